/**
 * Moving through a review (issue #21 items 7 and 8): batch keys and ↓/↑
 * across batch ends, labelled progress bars, a stable "Group N" under every
 * order and filter, an empty filter that says so, toasts that clear; filters
 * for low confidence, flagged, per project and not yet reviewed, combinable,
 * with their counts, and the most-uncertain-first order.
 */
import assert from "node:assert/strict";
import { type GroupSpec, type OpenPage, openPage } from "./_page_fixture.ts";

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });

const low = (i: number) => i % 4 === 1;
const flagged = (i: number) => i % 5 === 2 && i < 50;
const beta = (i: number) => i % 3 === 0;

/** 60 small groups over two projects: every 4th low confidence, every 5th of the first 50 flagged. */
function sixtyGroups(): GroupSpec[] {
  return Array.from({ length: 60 }, (_, i) => {
    return {
      images: [{ w: 120, h: 160 }, { w: 120, h: 160 }],
      project: beta(i) ? "beta" : "alpha",
      confidence: low(i) ? 0.3 + i / 1000 : 0.9 - i / 1000,
      flags: [...(flagged(i) ? ["anomaly_suspected"] : []), ...(low(i) ? ["low_confidence"] : [])],
    };
  });
}

const groupTitle = async (o: OpenPage) =>
  ((await o.page.textContent("[data-testid=panel] h2")) ?? "").match(/Group (\d+)/)?.[1];
const at = async (o: OpenPage, i: number) =>
  await o.page.waitForSelector(`main[data-group-id="${o.fixture.decisions[i]!.group_id}"]`);

browserTest(
  "review page: PgDn/PgUp and ↓/↑ cross batches, both progress bars are labelled, Group N stays the file's number, an empty filter says so, toasts clear",
  async () => {
    const o = await openPage(sixtyGroups(), { width: 1440, height: 900 });
    const { page } = o;
    try {
      const progress = (await page.textContent("[data-testid=progress]")) ?? "";
      assert.match(progress, /All groups: reviewed 0\/60 groups/);
      assert.match(progress, /This batch: 0\/50 reviewed · groups 1-50 of 60 shown/);
      // Next batch key, and back.
      await page.keyboard.press("PageDown");
      await at(o, 50);
      assert.equal(await groupTitle(o), "51");
      await page.keyboard.press("PageUp");
      await at(o, 0);
      // ↓ past the end of a batch goes on into the next one; ↑ comes back.
      await page.keyboard.press("PageDown");
      await at(o, 50);
      await page.keyboard.press("ArrowUp");
      await at(o, 49);
      assert.equal(await groupTitle(o), "50");
      await page.keyboard.press("ArrowDown");
      await at(o, 50);
      // A toast (nothing to undo) clears when you move on.
      await page.keyboard.press("z");
      await page.waitForFunction(() =>
        /Nothing to undo/.test(document.querySelector("[data-testid=toast]")?.textContent ?? "")
      );
      await page.keyboard.press("ArrowDown");
      await at(o, 51);
      assert.equal(await page.textContent("[data-testid=toast]"), "");
      // Most uncertain first: the first group shown keeps its file number.
      await page.selectOption("[data-testid=order]", "low_confidence");
      const lowest = o.fixture.decisions
        .map((d, i) => ({ c: d.step1_selection.confidence, i }))
        .sort((a, b) => a.c - b.c || a.i - b.i)[0]!.i;
      await at(o, lowest);
      assert.equal(await groupTitle(o), String(lowest + 1));
      // Flagged only: still the file's number.
      await page.selectOption("[data-testid=order]", "file");
      await page.click("[data-testid=filter-anomalies] input");
      await at(o, 2);
      assert.equal(await groupTitle(o), "3");
      // Flagged + low confidence in beta matches nothing: the page says so, with the filter.
      await page.click("[data-testid=filter-low_confidence] input");
      await page.selectOption("[data-testid=project]", "beta");
      const empty = page.locator("[data-testid=empty]");
      await empty.waitFor();
      assert.match(
        (await empty.textContent()) ?? "",
        /No groups match low confidence \+ flagged in project beta: 0 of 20 groups/,
      );
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
);

browserTest(
  "review page: filters low confidence, flagged, per project and not yet reviewed combine, show their counts, and order by uncertainty",
  async () => {
    const o = await openPage(sixtyGroups(), { width: 1440, height: 900 });
    const { page } = o;
    const ds = o.fixture.decisions;
    const count = async (k: string) =>
      Number(
        ((await page.textContent(`[data-testid=filter-${k}]`)) ?? "").match(/\((\d+)\)/)?.[1],
      );
    const shown = async () =>
      Number(
        ((await page.textContent("[data-testid=progress]")) ?? "").match(/of (\d+) shown/)?.[1],
      );
    try {
      const n = (f: (i: number) => boolean) => ds.filter((_, i) => f(i)).length;
      assert.equal(await count("low_confidence"), n(low));
      assert.equal(await count("anomalies"), n(flagged));
      assert.equal(await count("pending"), 60);
      // Review the first three groups (approve), so "not yet reviewed" drops by three.
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press("a");
        await at(o, i + 1);
      }
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      await page.click("[data-testid=filter-pending] input");
      await page.waitForFunction(() =>
        /of 57 shown/.test(document.querySelector("[data-testid=progress]")?.textContent ?? "")
      );
      // Not yet reviewed + low confidence + project alpha.
      await page.click("[data-testid=filter-low_confidence] input");
      await page.selectOption("[data-testid=project]", "alpha");
      const want = (i: number) => i >= 3 && low(i) && !beta(i);
      await page.waitForFunction(
        (k) =>
          new RegExp(`of ${k} shown`).test(
            document.querySelector("[data-testid=progress]")?.textContent ?? "",
          ),
        n(want),
      );
      assert.equal(await shown(), n(want));
      // Counts beside each choice say what adding it would leave.
      assert.equal(await count("anomalies"), n((i) => want(i) && flagged(i)));
      const betaOption = (await page.textContent("[data-testid=project] option[value=beta]")) ?? "";
      assert.equal(betaOption, `beta (${n((i) => i >= 3 && low(i) && beta(i))})`);
      // Every group shown matches, most uncertain first.
      await page.selectOption("[data-testid=order]", "low_confidence");
      const expected = ds.map((d, i) => ({ i, c: d.step1_selection.confidence }))
        .filter((x) => want(x.i)).sort((a, b) => a.c - b.c || a.i - b.i).map((x) => x.i);
      const seen: number[] = [];
      for (let k = 0; k < expected.length; k++) {
        if (k > 0) await page.keyboard.press("ArrowDown");
        await at(o, expected[k]!);
        seen.push(Number(await groupTitle(o)) - 1);
      }
      assert.deepEqual(seen, expected);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
);
