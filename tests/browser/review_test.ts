/**
 * The reviewer in headless Chromium: 50 simulated groups reviewed with the
 * keyboard (approve, reject, skip, override, manual-crop marks, undo,
 * navigation) plus one crop drag, a reload mid-batch, then submit; the
 * written `approved_decisions.jsonl` is checked record by record.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { writeSimulatedBatch } from "./_sim_batch.ts";
import { readApprovedDecisions } from "../../lib/decisions/mod.ts";
import type { AutomationDecision, Box, ReviewAction } from "../../lib/types.ts";
import { serveReviewer } from "../../reviewer/server.ts";
import { launchChromium } from "./_chromium.ts";

interface Expected {
  action: ReviewAction;
  final_choice: number | null;
  crop_coords: Box | null;
  manual_crop: boolean;
}

const MANUAL = ["q", "w", "e", "t"];
const aiCrop = (d: AutomationDecision): Box | null =>
  d.step2_crop.needs_crop ? d.step2_crop.box : null;

Deno.test({
  name:
    "reviewer page: 50 groups by keyboard, crop drag, reload mid-batch, submit writes every verdict",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t0 = performance.now();
    const mark = (what: string) =>
      console.log(`${what}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const root = await Deno.makeTempDir({ prefix: "keeper-browser-" });
    const scale = Number(Deno.env.get("KEEPER_SCREENSHOT_SCALE") ?? "0.1");
    const batch = await writeSimulatedBatch(root, { groups: 50, seed: 3, scale });
    mark("simulated batch");
    let running = await serveReviewer(batch.decisionsPath, { port: 0 });
    const { context, close } = await launchChromium();
    const errors: string[] = [];
    try {
      const page = context.pages()[0] ?? await context.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      const ds = batch.decisions;
      const ids = ds.map((d) => d.group_id);
      const at = async (i: number) =>
        await page.waitForSelector(`main[data-group-id="${ids[i]}"]`, { timeout: 5000 });
      const verdict = async () => await page.textContent("[data-testid=verdict]");
      const expected = new Map<string, Expected>();
      const shotAt = ds.findIndex((x) => x.step2_crop.needs_crop);
      const put = (i: number, e: Partial<Expected> & { action: ReviewAction }) =>
        expected.set(ids[i]!, { final_choice: null, crop_coords: null, manual_crop: false, ...e });

      mark("browser up");
      await page.goto(running.url);
      await at(0);
      mark("page shown");
      assert.equal(await page.locator(".card.ai-pick .badge").count(), 1);
      assert.match((await page.textContent(".card.ai-pick .badge")) ?? "", /^AI pick · \d+%$/);

      for (let i = 0; i < ids.length; i++) {
        const d = ds[i]!;
        const ai = d.step1_selection.chosen_index;
        const n = d.images.length;
        const other = (ai + 1) % n;
        if (i === 25) {
          // Reload mid-batch (once the footer says "all saved"): the page resumes at
          // the first unreviewed group.
          await page.waitForSelector('[data-testid=saved][data-pending="0"]');
          await page.reload();
          await at(25);
          assert.match(
            (await page.textContent("[data-testid=progress]")) ?? "",
            /reviewed 25\/50 groups \(50%\)/i,
          );
        }
        if (i === 35) {
          // Restart the server mid-batch (new port, new token): nothing is lost either.
          await page.waitForSelector('[data-testid=saved][data-pending="0"]');
          await running.shutdown();
          running = await serveReviewer(batch.decisionsPath, { port: 0 });
          await page.goto(running.url);
          await at(35);
          assert.match(
            (await page.textContent("[data-testid=progress]")) ?? "",
            /reviewed 35\/50 groups \(70%\)/i,
          );
        }
        if (i === shotAt) {
          // The page with the crop overlay, saved as a test artefact (the docs'
          // screenshots come from tests/browser/_screenshots.ts).
          await page.waitForSelector("[data-testid=crop-box]");
          await page.waitForFunction(() => [...document.images].every((im) => im.complete));
          const dir = Deno.env.get("KEEPER_ARTIFACTS") ?? join(tmpdir(), "keeper-artifacts");
          await Deno.mkdir(dir, { recursive: true });
          await page.screenshot({ path: join(dir, "reviewer.png") });
          console.log(`screenshot: ${join(dir, "reviewer.png")}`);
        }
        const kind = i % 10;
        if (kind === 0) {
          await page.keyboard.press("a");
          put(i, { action: "approve", final_choice: ai, crop_coords: aiCrop(d) });
        } else if (kind === 1) {
          await page.keyboard.press("r");
          put(i, { action: "reject" });
        } else if (kind === 2) {
          await page.keyboard.press("s");
          put(i, { action: "skip" });
        } else if (kind === 3) {
          await page.keyboard.press(String(other + 1));
          put(i, { action: "override", final_choice: other, crop_coords: aiCrop(d) });
        } else if (kind === 4) {
          await page.keyboard.press(MANUAL[other]!);
          put(i, { action: "override", final_choice: other, manual_crop: true });
        } else if (kind === 5) {
          await page.keyboard.press("c");
          await page.keyboard.press("a");
          put(i, {
            action: "approve",
            final_choice: ai,
            crop_coords: d.step2_crop.needs_crop ? null : [0.1, 0.1, 0.9, 0.9],
          });
        } else if (kind === 6) {
          if (!d.step2_crop.needs_crop) await page.keyboard.press("c");
          const boxEl = page.locator("[data-testid=crop-box]");
          await boxEl.waitFor({ state: "visible" });
          const before = JSON.parse((await boxEl.getAttribute("data-box"))!) as Box;
          const h = (await page.locator(".crop-handle.se").boundingBox())!;
          await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
          await page.mouse.down();
          await page.mouse.move(h.x - 25, h.y - 12, { steps: 5 });
          await page.mouse.up();
          // The page re-renders on its next frame: wait for the box to change (or time out).
          await page.waitForFunction(
            (was) =>
              document.querySelector("[data-testid=crop-box]")?.getAttribute("data-box") !== was,
            JSON.stringify(before),
            { timeout: 5000 },
          ).catch(() => {});
          const after = JSON.parse((await boxEl.getAttribute("data-box"))!) as Box;
          assert.notDeepEqual(after, before, "the drag changed the crop");
          const ratio = (b: Box) => (b[3] - b[1]) / (b[2] - b[0]);
          assert.ok(Math.abs(ratio(after) - ratio(before)) < 0.01, "aspect stays locked");
          assert.deepEqual(after.slice(0, 2), before.slice(0, 2), "the opposite corner stays");
          await page.keyboard.press("a");
          put(i, { action: "approve", final_choice: ai, crop_coords: after });
        } else if (kind === 7) {
          await page.keyboard.press("a");
          await at(i + 1);
          await page.keyboard.press("z");
          await at(i);
          await page.waitForFunction(
            () => document.querySelector("[data-testid=verdict]")?.textContent === "Not reviewed",
          );
          await page.keyboard.press("r");
          put(i, { action: "reject" });
        } else if (kind === 8) {
          await page.keyboard.press("ArrowDown");
          await at(i + 1);
          await page.keyboard.press("ArrowUp");
          await at(i);
          await page.keyboard.press("1");
          put(
            i,
            ai === 0
              ? { action: "approve", final_choice: 0, crop_coords: aiCrop(d) }
              : { action: "override", final_choice: 0, crop_coords: aiCrop(d) },
          );
        } else {
          await page.keyboard.press(MANUAL[ai]!);
          put(i, { action: "approve", final_choice: ai, manual_crop: true });
        }
        // Groups 40-43 are typed as a burst, faster than the page renders.
        const burst = i >= 40 && i < 43;
        if (burst) continue;
        if (i + 1 < ids.length) await at(i + 1);
        else {await page.waitForFunction(
            () => document.querySelector("[data-testid=verdict]")?.textContent !== "Not reviewed",
          );}
      }

      mark("50 groups reviewed");
      // The compare view, then the key map, then stats with its chart; then submit.
      await page.keyboard.press("f");
      await page.waitForFunction(() =>
        (document.querySelector("[data-testid=compare] img") as HTMLImageElement | null)
          ?.naturalWidth! > 0
      );
      await page.keyboard.press("Escape");
      await page.keyboard.press("?");
      await page.waitForSelector("[data-testid=help]");
      await page.keyboard.press("Escape");
      assert.equal(await page.locator(".modal").count(), 0);
      await page.keyboard.press("g");
      await page.waitForSelector("[data-testid=stats] td");
      await page.waitForFunction(() =>
        (document.querySelector(".modal .chart") as HTMLImageElement | null)?.naturalWidth! > 0
      );
      await page.keyboard.press("Escape");
      await page.keyboard.press("Shift+Enter");
      await page.waitForFunction(
        () =>
          /Wrote 50 records/.test(document.querySelector("[data-testid=toast]")?.textContent ?? ""),
        undefined,
        { timeout: 5000 },
      );
      assert.match(
        (await page.textContent("[data-testid=progress]")) ?? "",
        /reviewed 50\/50 groups \(100%\)/i,
      );
      assert.ok(await verdict());

      mark("submitted");
      const records = await readApprovedDecisions(join(root, "approved_decisions.jsonl"));
      assert.equal(records.length, 50);
      for (const [i, rec] of records.entries()) {
        const d = ds[i]!;
        const e = expected.get(rec.group_id)!;
        const where = `group ${i} (${rec.group_id})`;
        assert.equal(rec.group_id, ids[i], where);
        assert.equal(rec.action, e.action, where);
        assert.equal(rec.final_choice, e.final_choice, where);
        assert.equal(rec.manual_crop ?? false, e.manual_crop, where);
        assert.equal(rec.ai_choice, d.step1_selection.chosen_index, where);
        assert.deepEqual(rec.ai_crop, aiCrop(d), where);
        if (e.crop_coords === null) assert.equal(rec.crop_coords, null, where);
        else {
          assert.ok(rec.crop_coords !== null, where);
          rec.crop_coords!.forEach((v, k) =>
            assert.ok(Math.abs(v - e.crop_coords![k]!) < 1e-4, where)
          );
        }
        assert.ok(rec.seconds_spent >= 0 && rec.seconds_spent < 60, where);
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
      await running.shutdown();
      await Deno.remove(root, { recursive: true });
    }
  },
});
