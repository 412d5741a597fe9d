/**
 * The page uses the screen (issue #21 item 4): at 1920×1080 the images fill
 * the space the panel leaves (one row or two, by count and shape), fit any
 * window without overflowing, and the thumbnails asked for (shown and
 * prefetched) are the painted size × devicePixelRatio.
 */
import assert from "node:assert/strict";
import { imagesSettled, openPage } from "./_page_fixture.ts";

const portrait = { w: 1000, h: 1500 };
const landscape = { w: 1500, h: 1000 };
const square = { w: 1200, h: 1200 };

Deno.test({
  name:
    "review page: images fill the window for 2-4 images and any window size; thumbnails requested and prefetched at painted size × devicePixelRatio",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const o = await openPage([
      { images: [portrait, portrait] },
      { images: [landscape, landscape, landscape, landscape] },
      { images: [square, square, square] },
      { images: [portrait, portrait, portrait] },
    ], { width: 1920, height: 1080, dpr: 2 });
    const { page } = o;
    const ids = o.fixture.decisions.map((d) => d.group_id);
    const shown = async () =>
      await page.$$eval("main figure.card img", (els) =>
        els.map((el) => {
          const im = el as HTMLImageElement;
          const r = im.getBoundingClientRect();
          return {
            src: im.getAttribute("src")!,
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
            natural: im.naturalWidth,
          };
        }));
    try {
      const steps = [256, 384, 512, 768, 1024, 1536, 2048];
      // The smallest step at or above painted size × dpr (capped at the file's own size).
      const checkThumbs = async (dpr: number, side: number) => {
        for (const im of await shown()) {
          const w = Number(new URL(im.src, "http://x").searchParams.get("w"));
          const need = Math.min(side, Math.ceil(Math.max(im.width, im.height) * dpr));
          const prev = steps[steps.indexOf(w) - 1] ?? 0;
          assert.ok(w >= need && prev < need, `asked w=${w} for ${im.width}×${im.height} @${dpr}x`);
        }
      };
      // Two portraits: one row, as tall as the window allows.
      await imagesSettled(page);
      let ims = await shown();
      for (const im of ims) assert.ok(im.height >= 0.75 * 1080, `portrait ${im.height} px tall`);
      await checkThumbs(2, 1500);
      // The next group was prefetched at the size it will be shown.
      const before = [...o.requests];
      await page.keyboard.press("ArrowDown");
      await page.waitForSelector(`main[data-group-id="${ids[1]}"]`);
      await imagesSettled(page);
      ims = await shown();
      for (const im of ims) assert.ok(before.includes(im.src), `${im.src} was prefetched`);
      // Four landscapes: two rows of two, each about a third of the window wide.
      const rows = new Set(ims.map((im) => Math.round(im.y)));
      assert.equal(rows.size, 2, "two rows");
      for (const im of ims) assert.ok(im.width >= 0.3 * 1920, `landscape ${im.width} px wide`);
      await checkThumbs(2, 1500);
      // Three squares: together they span most of the width the panel leaves.
      await page.keyboard.press("ArrowDown");
      await page.waitForSelector(`main[data-group-id="${ids[2]}"]`);
      await imagesSettled(page);
      ims = await shown();
      const span = Math.max(...ims.map((im) => im.x + im.width)) -
        Math.min(...ims.map((im) => im.x));
      const area = await page.$eval(".images", (el) => el.getBoundingClientRect().width);
      assert.ok(
        span >= 0.85 * area || ims[0]!.height >= 0.75 * 1080,
        `squares span ${span} of ${area}`,
      );
      // A smaller window: everything still fits inside it, re-laid out.
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.waitForFunction(() => {
        const img = document.querySelector("main figure.card img");
        return img !== null && img.getBoundingClientRect().bottom <= 720;
      });
      for (
        const card of await page.$$eval(
          "main figure.card",
          (els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect),
        )
      ) {
        assert.ok(
          card.right <= 1280 && card.bottom <= 720 && card.x >= 0,
          "card inside the window",
        );
      }
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
});
