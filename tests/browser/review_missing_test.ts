/**
 * A group whose image is missing or unreadable (issue #21 item 3): the page
 * says which image and what is wrong, draws no crop over it, and refuses to
 * approve or override the group; reject and skip still work. The server
 * refuses too: an image gone after the page showed it, and the band action.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openPage, serverGroup } from "./_page_fixture.ts";

Deno.test({
  name:
    "review page: a missing or unreadable image is named with what is wrong, approve is refused, reject and skip still work",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const box = [0.1, 0.1, 0.8, 0.8] as [number, number, number, number];
    const o = await openPage([
      { images: [{ w: 400, h: 600, missing: true }, { w: 400, h: 600 }], pick: 0, box },
      { images: [{ w: 400, h: 600 }, { w: 400, h: 600, corrupt: true }, { w: 400, h: 600 }] },
      { images: [{ w: 400, h: 600 }, { w: 400, h: 600 }], pick: 1, box },
    ], { width: 1366, height: 768 });
    const { page } = o;
    const [g0, g1, g2] = o.fixture.decisions.map((d) => d.group_id);
    const name = (g: number, i: number) =>
      o.fixture.decisions[g]!.images[i]!.path.split("/").pop()!;
    try {
      // Missing pick: the card says so, names the file; no crop is drawn over it.
      const problem = page.locator('figure.card[data-index="0"] [data-testid=image-problem]');
      await problem.waitFor();
      const text = (await problem.textContent()) ?? "";
      assert.ok(text.includes(name(0, 0)), `names the file: ${text}`);
      assert.match(text, /does not exist/);
      assert.equal(
        await page.locator('figure.card[data-index="0"] img').count(),
        0,
        "no broken icon",
      );
      assert.equal(await page.locator("[data-testid=crop-box]").count(), 0, "no crop over it");
      assert.match(
        (await page.textContent("[data-testid=panel]")) ?? "",
        /cannot be shown.*approve is off/is,
      );
      // A and an override are refused; the group stays and nothing is saved.
      await page.keyboard.press("a");
      await page.keyboard.press("2");
      await page.waitForFunction(() =>
        /Cannot approve/.test(document.querySelector("[data-testid=toast]")?.textContent ?? "")
      );
      assert.equal(await page.getAttribute("main", "data-group-id"), g0);
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      assert.equal((await serverGroup(o.server, g0!)).review, null);
      // Skip is allowed.
      await page.keyboard.press("s");
      await page.waitForSelector(`main[data-group-id="${g1}"]`);

      // Unreadable (not a picture): said, and approve refused; reject allowed.
      const bad = page.locator('figure.card[data-index="1"] [data-testid=image-problem]');
      await bad.waitFor();
      const badText = (await bad.textContent()) ?? "";
      assert.ok(badText.includes(name(1, 1)), `names the file: ${badText}`);
      assert.match(badText, /cannot be shown/);
      assert.equal(await page.locator("figure.card img").count(), 2, "the readable two still show");
      await page.keyboard.press("a");
      await page.waitForFunction(() =>
        /Cannot approve/.test(document.querySelector("[data-testid=toast]")?.textContent ?? "")
      );
      assert.equal(await page.getAttribute("main", "data-group-id"), g1);
      await page.keyboard.press("r");
      await page.waitForSelector(`main[data-group-id="${g2}"]`);
      // A readable group approves as before.
      await page.keyboard.press("a");
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      await page.waitForFunction(
        () => document.querySelector("[data-testid=verdict]")?.textContent !== "Not reviewed",
      );
      assert.equal((await serverGroup(o.server, g0!)).review?.action, "skip");
      assert.equal((await serverGroup(o.server, g1!)).review?.action, "reject");
      assert.equal((await serverGroup(o.server, g2!)).review?.action, "approve");
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
});

Deno.test({
  name:
    "review page: the server refuses approving a group whose image went missing after it was shown, and the band action leaves such groups pending and names them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const o = await openPage([
      { images: [{ w: 400, h: 600 }, { w: 400, h: 600 }], auto: true },
      { images: [{ w: 400, h: 600 }, { w: 400, h: 600, missing: true }], auto: true },
      { images: [{ w: 600, h: 400 }, { w: 600, h: 400 }], auto: true },
      { images: [{ w: 400, h: 400 }, { w: 400, h: 400 }] },
    ], { width: 1280, height: 720 });
    const { page } = o;
    const [g0, g1, g2, g3] = o.fixture.decisions.map((d) => d.group_id);
    const toast = async () => (await page.textContent("[data-testid=toast]")) ?? "";
    try {
      // Group 1 is shown whole; then its second file disappears. A is sent (the page saw
      // nothing wrong) and the server refuses it: nothing saved, the group is back.
      await page.waitForFunction(() =>
        [...document.querySelectorAll("main figure.card img")].length === 2 &&
        [...document.querySelectorAll("main figure.card img")].every((im) =>
          (im as HTMLImageElement).complete && (im as HTMLImageElement).naturalWidth > 0
        )
      );
      await Deno.remove(join(o.fixture.root, o.fixture.decisions[0]!.images[1]!.path));
      await page.keyboard.press("a");
      await page.waitForFunction(() =>
        /Not saved: Cannot approve group/.test(
          document.querySelector("[data-testid=toast]")?.textContent ?? "",
        )
      );
      assert.match(await toast(), /Group 1 \(image 2: .* does not exist\)/);
      await page.waitForSelector(`main[data-group-id="${g0}"]`);
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');
      assert.equal((await serverGroup(o.server, g0!)).review, null);
      await page.keyboard.press("s");
      await page.waitForSelector(`main[data-group-id="${g1}"]`);
      await page.waitForSelector('[data-testid=saved][data-pending="0"]');

      // The band holds Groups 2 and 3; Group 2's image is missing: the dialog says it
      // stays pending, and the toast afterwards names it.
      await page.keyboard.press("b");
      await page.waitForSelector("[data-testid=band]");
      assert.equal(await page.textContent("[data-testid=band-count]"), "2");
      assert.match(
        (await page.textContent("[data-testid=band-unshowable]")) ?? "",
        /1 of them has an image that cannot be shown and will stay pending, not approved: Group 2\./,
      );
      await page.keyboard.press("Enter");
      await page.waitForFunction(() =>
        /Approved 1 groups/.test(document.querySelector("[data-testid=toast]")?.textContent ?? "")
      );
      assert.match(await toast(), /left 1 pending: their images cannot be shown \(Group 2\)/);
      assert.equal((await serverGroup(o.server, g1!)).review, null);
      assert.equal((await serverGroup(o.server, g2!)).review?.action, "approve");
      assert.equal((await serverGroup(o.server, g3!)).review, null);
      assert.deepEqual(o.errors, []);
    } finally {
      await o.close();
    }
  },
});
