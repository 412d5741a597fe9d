/**
 * The crop on the review page (issue #21 items 1, 2, 6): the overlay sits on
 * the painted image at every common window size; after an override the crop
 * moves to your pick, can be adjusted there and is saved with it; the
 * manual-crop key hides the crop that will not be applied; coordinates show
 * on hover and the aspect lock is visible on the box.
 */
import assert from "node:assert/strict";
import type { Box } from "../../lib/types.ts";
import {
  type GroupSpec,
  imagesSettled,
  openPage,
  paintedRect,
  serverGroup,
} from "./_page_fixture.ts";
import type { Page } from "playwright-core";

const WINDOWS = [[1280, 720], [1366, 768], [1440, 900], [1920, 1080]] as const;

const browserTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn });

/** The crop box's rectangle against the painted rectangle of the image in the same card. */
async function overlayVsPainted(page: Page): Promise<{ off: number; box: Box; card: number }> {
  const card = page.locator("figure.card:has([data-testid=crop-box])");
  assert.equal(await card.count(), 1, "exactly one card shows the crop");
  const index = Number(await card.getAttribute("data-index"));
  const box = JSON.parse((await page.getAttribute("[data-testid=crop-box]", "data-box"))!) as Box;
  const img = await paintedRect(page, `figure.card[data-index="${index}"] img`);
  const r = (await page.locator("[data-testid=crop-box]").boundingBox())!;
  const want = {
    x: img.x + box[0] * img.width,
    y: img.y + box[1] * img.height,
    width: (box[2] - box[0]) * img.width,
    height: (box[3] - box[1]) * img.height,
  };
  const off = Math.max(
    Math.abs(r.x - want.x),
    Math.abs(r.y - want.y),
    Math.abs(r.width - want.width),
    Math.abs(r.height - want.height),
  );
  return { off, box, card: index };
}

browserTest(
  "review page: the crop overlay matches the painted image × box within 1 px at 1280×720, 1366×768, 1440×900, 1920×1080 for square, portrait and landscape picks",
  async () => {
    const box: Box = [0.2, 0.1, 0.7, 0.6];
    const groups: GroupSpec[] = [
      { images: [{ w: 600, h: 600 }, { w: 600, h: 600 }, { w: 600, h: 600 }], pick: 1, box },
      { images: [{ w: 400, h: 1000 }, { w: 400, h: 1000 }], pick: 0, box },
      { images: [{ w: 600, h: 900 }, { w: 600, h: 900 }], pick: 1, box },
      {
        images: [{ w: 1000, h: 500 }, { w: 1000, h: 500 }, { w: 1000, h: 500 }, {
          w: 1000,
          h: 500,
        }],
        pick: 2,
        box,
      },
      { images: [{ w: 900, h: 600 }, { w: 900, h: 600 }], pick: 0, box },
    ];
    const o = await openPage(groups, { width: 1280, height: 720 });
    try {
      const misses: string[] = [];
      for (const [w, h] of WINDOWS) {
        await o.page.setViewportSize({ width: w, height: h });
        for (const [i, d] of o.fixture.decisions.entries()) {
          if (i > 0) await o.page.keyboard.press("ArrowDown");
          await o.page.waitForSelector(`main[data-group-id="${d.group_id}"]`);
          await imagesSettled(o.page);
          await o.page.waitForTimeout(50);
          const { off, card } = await overlayVsPainted(o.page);
          assert.equal(card, d.step1_selection.chosen_index, "the crop is on the AI pick");
          const im = d.images[card]!;
          if (off > 1) misses.push(`${w}×${h} ${im.width}×${im.height}: ${off.toFixed(1)} px off`);
        }
        for (let i = 1; i < o.fixture.decisions.length; i++) {
          await o.page.keyboard.press("ArrowUp");
        }
      }
      assert.deepEqual(misses, [], "overlay off the painted image");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
);

browserTest(
  "review page: after an override the crop moves to your pick, is adjusted there and saved with it; the manual-crop key hides the crop",
  async () => {
    const box: Box = [0.1, 0.1, 0.6, 0.6];
    const o = await openPage([
      { images: [{ w: 600, h: 800 }, { w: 600, h: 800 }, { w: 600, h: 800 }], pick: 0, box },
      { images: [{ w: 600, h: 800 }, { w: 600, h: 800 }, { w: 600, h: 800 }], pick: 0, box },
      { images: [{ w: 600, h: 800 }, { w: 600, h: 800 }], pick: 0, box },
    ], { width: 1366, height: 768 });
    const [g0, g1, g2] = o.fixture.decisions.map((d) => d.group_id);
    const { page } = o;
    try {
      await imagesSettled(page);
      // Choose image 2 (Shift+2, no verdict yet): the crop moves onto it, same box.
      await page.keyboard.press("Shift+Digit2");
      await page.waitForSelector('figure.card[data-index="1"] [data-testid=crop-box]');
      let m = await overlayVsPainted(page);
      assert.equal(m.card, 1);
      assert.ok(m.off <= 1, `overlay ${m.off} px off on the chosen image`);
      assert.deepEqual(m.box, box);
      // Adjust it there: drag the south-east handle up-left.
      const h = (await page.locator('figure.card[data-index="1"] .crop-handle.se').boundingBox())!;
      await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
      await page.mouse.down();
      await page.mouse.move(h.x - 40, h.y - 30, { steps: 5 });
      await page.mouse.up();
      await page.waitForFunction(
        (was) => document.querySelector("[data-testid=crop-box]")?.getAttribute("data-box") !== was,
        JSON.stringify(box),
      );
      m = await overlayVsPainted(page);
      assert.equal(m.card, 1);
      const adjusted = m.box;
      assert.ok(adjusted[2] < box[2], "the box shrank");
      // Override to image 2: saved with the adjusted crop.
      await page.keyboard.press("2");
      await page.waitForSelector(`main[data-group-id="${g1}"]`);
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      const saved = (await serverGroup(o.server, g0!)).review!;
      assert.equal(saved.action, "override");
      assert.equal(saved.final_choice, 1);
      assert.ok(saved.crop_coords !== null);
      saved.crop_coords!.forEach((v, k) => assert.ok(Math.abs(v - adjusted[k]!) < 1e-4));
      // Back on the group: the crop is on your pick, where it was saved.
      await page.keyboard.press("ArrowUp");
      await page.waitForSelector(`main[data-group-id="${g0}"]`);
      m = await overlayVsPainted(page);
      assert.equal(m.card, 1, "the crop shows on your pick after going back");
      m.box.forEach((v, k) => assert.ok(Math.abs(v - adjusted[k]!) < 1e-4));
      // Adjusting it again on the reviewed group re-saves the verdict with the new crop.
      const h2 = (await page.locator('figure.card[data-index="1"] .crop-handle.se').boundingBox())!;
      await page.mouse.move(h2.x + h2.width / 2, h2.y + h2.height / 2);
      await page.mouse.down();
      await page.mouse.move(h2.x - 20, h2.y - 15, { steps: 4 });
      await page.mouse.up();
      await page.waitForFunction(
        (was) => document.querySelector("[data-testid=crop-box]")?.getAttribute("data-box") !== was,
        JSON.stringify(adjusted),
      );
      const again = (await overlayVsPainted(page)).box;
      await page.waitForFunction(async ([url, id]) => {
        const b = await (await fetch(`${url}api/automation/load_batch?size=500&offset=0`)).json();
        const r = b.groups.find((g: { group_id: string }) => g.group_id === id).review;
        return r !== null && r.crop_coords !== null &&
          JSON.stringify(r.crop_coords) === document.querySelector("[data-testid=crop-box]")
              ?.getAttribute("data-box");
      }, [o.server.url, g0!]);
      const resaved = (await serverGroup(o.server, g0!)).review!;
      assert.equal(resaved.final_choice, 1);
      resaved.crop_coords!.forEach((v, k) => assert.ok(Math.abs(v - again[k]!) < 1e-4));

      // Next group: the manual-crop key for image 3 hides the crop, which is not applied.
      await page.keyboard.press("ArrowDown");
      await page.waitForSelector(`main[data-group-id="${g1}"]`);
      assert.equal(await page.locator("[data-testid=crop-box]").count(), 1);
      await page.keyboard.press("e");
      await page.waitForSelector(`main[data-group-id="${g2}"]`);
      await page.keyboard.press("ArrowUp");
      await page.waitForSelector(`main[data-group-id="${g1}"]`);
      assert.equal(await page.locator("[data-testid=crop-box]").count(), 0, "no crop shown");
      assert.match((await page.textContent("[data-testid=verdict]")) ?? "", /manual crop/);
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      const manual = (await serverGroup(o.server, g1!)).review!;
      assert.equal(manual.final_choice, 2);
      assert.equal(manual.crop_coords, null);
      assert.equal(manual.manual_crop, true);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
);

browserTest(
  "review page: crop coordinates on hover, drag to adjust on any chosen image, aspect lock shown on the box and toggled with L",
  async () => {
    const box: Box = [0.2, 0.2, 0.6, 0.5];
    const o = await openPage([
      { images: [{ w: 800, h: 600 }, { w: 800, h: 600 }, { w: 800, h: 600 }], pick: 0, box },
    ], { width: 1440, height: 900 });
    const { page } = o;
    try {
      await imagesSettled(page);
      // Hover: the read-out gives the pointer's place, normalised and in the file's pixels.
      const img = await paintedRect(page, 'figure.card[data-index="0"] img');
      await page.mouse.move(img.x + 0.1 * img.width, img.y + 0.8 * img.height);
      const readout = page.locator('figure.card[data-index="0"] [data-testid=readout]');
      await page.waitForFunction(() =>
        document.querySelector('figure.card[data-index="0"] [data-testid=readout]')?.textContent !==
          ""
      );
      const text = (await readout.textContent()) ?? "";
      const m = text.match(
        /x ([\d.]+) y ([\d.]+) · (\d+), (\d+) px · crop (\d+),(\d+) → (\d+),(\d+) px/,
      );
      assert.ok(m !== null, text);
      assert.ok(Math.abs(Number(m[1]) - 0.1) < 0.01 && Math.abs(Number(m[2]) - 0.8) < 0.01, text);
      assert.ok(Math.abs(Number(m[3]) - 80) <= 8 && Math.abs(Number(m[4]) - 480) <= 6, text);
      assert.deepEqual(m.slice(5).map(Number), [160, 120, 480, 300]);
      // The lock is on the box itself.
      const tag = page.locator("[data-testid=crop-lock]");
      assert.match((await tag.textContent()) ?? "", /aspect locked/);
      // Choose image 3 (click), unlock, and drag a corner there: the shape changes freely.
      await page.click('figure.card[data-index="2"] .card-head');
      await page.waitForSelector('figure.card[data-index="2"] [data-testid=crop-box]');
      await page.keyboard.press("l");
      await page.waitForFunction(() =>
        /aspect free/.test(document.querySelector("[data-testid=crop-lock]")?.textContent ?? "")
      );
      const h = (await page.locator('figure.card[data-index="2"] .crop-handle.se').boundingBox())!;
      await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
      await page.mouse.down();
      await page.mouse.move(h.x + 40, h.y - 30, { steps: 4 });
      await page.mouse.up();
      await page.waitForFunction(
        (was) => document.querySelector("[data-testid=crop-box]")?.getAttribute("data-box") !== was,
        JSON.stringify(box),
      );
      const after = JSON.parse(
        (await page.getAttribute("[data-testid=crop-box]", "data-box"))!,
      ) as Box;
      const ratio = (b: Box) => (b[3] - b[1]) / (b[2] - b[0]);
      assert.ok(after[2] > box[2] && after[3] < box[3], `${after}`);
      assert.ok(Math.abs(ratio(after) - ratio(box)) > 0.05, "unlocked: the shape changed");
      assert.deepEqual(after.slice(0, 2), box.slice(0, 2));
      assert.match(
        (await page.textContent("[data-testid=crop-coords]")) ?? "",
        /crop on image 3/,
      );
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
);
