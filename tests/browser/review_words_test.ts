/**
 * Words a creator reads (issue #21 item 9): plain reasons first with the
 * technical detail one click away, readable flag labels, a stats chart that
 * matches the dark page with whole-number counts, and one approval rate,
 * defined on the page, equal to `deno task report`'s.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage } from "./_page_fixture.ts";
import { readApprovedDecisions } from "../../lib/decisions/mod.ts";
import { reviewMetrics } from "../../lib/report/mod.ts";

Deno.test({
  name:
    "review page: plain reasons first, technical one click away, readable flags, dark whole-number chart, the report's approval rate shown with its definition",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const technical =
      "kept stage 2 over stage 3: stage 3 scored lower on learned quality (possible enhancer defect)";
    const sq = { w: 300, h: 400 };
    const o = await openPage([
      {
        images: [sq, sq, sq, sq],
        pick: 2,
        flags: ["anomaly_suspected"],
        confidence: 0.62,
        reasons: [technical, "62% sure; next best stage 3 at 30%"],
      },
      { images: [sq, sq] },
      { images: [sq, sq] },
      { images: [sq, sq] },
    ], { width: 1440, height: 900 });
    const { page } = o;
    try {
      const plain = (await page.textContent("[data-testid=plain]")) ?? "";
      assert.match(plain, /Keep image 3 \(stage 2 · upscaled\)/);
      assert.match(
        plain,
        /later stage 3 · enhanced version \(image 4\) looks worse: possibly an enhancer defect/,
      );
      assert.match(plain, /not very sure \(62%\)/);
      // The technical sentence is there, but folded away until asked for.
      assert.equal(await page.getByText(technical).isVisible(), false);
      await page.click("[data-testid=technical] summary");
      assert.equal(await page.getByText(technical).isVisible(), true);
      // Flags read as words, not identifiers.
      const flags = page.locator("[data-testid=flags]");
      assert.match(
        (await flags.innerText()) ?? "",
        /A later stage looks worse \(possible defect\)/,
      );
      assert.doesNotMatch(await flags.innerText(), /anomaly_suspected/);

      // Approve, approve, override, skip: the page's rate is the report's (2 of 4).
      await page.keyboard.press("a");
      await page.keyboard.press("a");
      await page.keyboard.press("2");
      await page.keyboard.press("s");
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      await page.keyboard.press("g");
      await page.waitForSelector("[data-testid=approval]");
      await page.waitForFunction(() =>
        /^50%/.test(document.querySelector("[data-testid=approval]")?.textContent ?? "")
      );
      assert.match(
        (await page.textContent("[data-testid=approval-definition]")) ?? "",
        /approved ÷ groups reviewed .*skip/,
      );
      // The chart: dark like the page, and its ticks are whole numbers.
      await page.waitForFunction(() =>
        (document.querySelector(".modal .chart") as HTMLImageElement | null)?.naturalWidth! > 0
      );
      const bg = await page.$eval(".modal .chart", (el) => getComputedStyle(el).backgroundColor);
      assert.notEqual(bg, "rgb(255, 255, 255)");
      const svg = await page.evaluate(async () =>
        await (await fetch("/api/automation/stats.svg")).text()
      );
      assert.match(svg, /background:\s*#1f2228/);
      const ticks = [...svg.matchAll(/<g[^>]*aria-label="x-axis tick label"[^>]*>([\s\S]*?)<\/g>/g)]
        .flatMap((m) => [...m[1]!.matchAll(/>([^<]+)</g)].map((t) => t[1]!.trim()));
      assert.ok(ticks.length >= 2, `found x ticks: ${ticks}`);
      for (const t of ticks) assert.match(t, /^\d+$/, `tick "${t}" is a whole number`);
      await page.keyboard.press("Escape");
      await page.keyboard.press("Shift+Enter");
      await page.waitForFunction(() =>
        /Wrote 4 records/.test(document.querySelector("[data-testid=toast]")?.textContent ?? "")
      );
      const records = await readApprovedDecisions(join(o.fixture.root, "approved_decisions.jsonl"));
      const m = reviewMetrics(records, o.fixture.decisions);
      assert.equal(m.approval_rate, 0.5, "deno task report's rate");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
});
