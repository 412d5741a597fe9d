/**
 * Compare like a culler (issue #21 item 5): side by side at one shared zoom
 * and position (zoom and pan move every pane), flip between stages in place
 * at that zoom and position, and a loupe on the region where the pick and
 * the stage it was kept over differ.
 */
import assert from "node:assert/strict";
import type { Box } from "../../lib/types.ts";
import { imagesSettled, openPage } from "./_page_fixture.ts";

Deno.test({
  name:
    "review page: compare side by side with synchronised zoom and pan, flip stages in place at the same zoom, loupe on the changed region",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const change: Box = [0.55, 0.2, 0.8, 0.4];
    const im = { w: 480, h: 640 };
    const o = await openPage([
      // The later stages differ from stage 1 inside `change`; keeper kept stage 1.
      { images: [im, im, im], pick: 0, change, flags: ["anomaly_suspected"] },
    ], { width: 1440, height: 900 });
    const { page } = o;
    const views = async () =>
      await page.$$eval("[data-testid=compare-img]", (els) =>
        els.map((el) => ({
          src: el.getAttribute("src")!,
          transform: (el as HTMLElement).style.transform,
          zoom: Number(el.getAttribute("data-zoom")),
          cx: Number(el.getAttribute("data-cx")),
          cy: Number(el.getAttribute("data-cy")),
        })));
    try {
      await imagesSettled(page);
      // The loupe: the region found lies on the change, marked on both compared images.
      const loupe = page.locator("[data-testid=loupe]");
      await loupe.waitFor();
      const found = JSON.parse((await loupe.getAttribute("data-box"))!) as Box;
      const mx = (found[0] + found[2]) / 2, my = (found[1] + found[3]) / 2;
      assert.ok(
        mx > change[0] && mx < change[2] && my > change[1] && my < change[3],
        `loupe centre ${mx.toFixed(2)},${my.toFixed(2)} inside the change ${change}`,
      );
      assert.match(
        (await loupe.textContent()) ?? "",
        /image 1 \(stage 1\) and image 2 \(stage 1.5\)/,
      );
      assert.equal(await page.locator("[data-testid=change-region]").count(), 2);

      // Side by side: zoom and pan move every pane together.
      await page.keyboard.press("f");
      await page.waitForSelector("[data-testid=compare][data-mode=side]");
      assert.equal((await views()).length, 3);
      await page.keyboard.press("+");
      await page.keyboard.press("+");
      const pane = (await page.locator(".pane-view").first().boundingBox())!;
      await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
      await page.mouse.down();
      await page.mouse.move(pane.x + pane.width / 2 - 60, pane.y + pane.height / 2 - 40, {
        steps: 4,
      });
      await page.mouse.up();
      let v = await views();
      assert.ok(v[0]!.zoom > 2 && v[0]!.cx > 0.5 && v[0]!.cy > 0.5, JSON.stringify(v[0]));
      assert.ok(v.every((x) => x.transform === v[0]!.transform), "one zoom and position");
      // Flip in place: image 2, then image 1, at the same zoom and position.
      const same = v[0]!.transform;
      await page.keyboard.press("2");
      await page.waitForSelector("[data-testid=compare][data-mode=flip]");
      v = await views();
      assert.equal(v.length, 1);
      assert.match(v[0]!.src, /\/1$/);
      assert.equal(v[0]!.transform, same);
      await page.keyboard.press("1");
      await page.waitForFunction(() =>
        /\/0$/.test(document.querySelector("[data-testid=compare-img]")?.getAttribute("src") ?? "")
      );
      assert.equal((await views())[0]!.transform, same);
      // D goes to the change: the view is centred on the loupe's region, zoomed to it.
      await page.keyboard.press("d");
      v = await views();
      assert.ok(Math.abs(v[0]!.cx - mx) < 0.02 && Math.abs(v[0]!.cy - my) < 0.02);
      assert.ok(v[0]!.zoom >= 3);
      await page.keyboard.press("Escape");
      assert.equal(await page.locator("[data-testid=compare]").count(), 0);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
});
