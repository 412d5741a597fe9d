import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { embedFolder } from "./mod.ts";

Deno.test("embedFolder() lists the folder, creates the cache's folder and embeds each image once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-embed-folder-" });
  try {
    await Deno.mkdir(join(dir, "imgs"));
    for (const seed of [1, 2]) {
      await Deno.writeFile(
        join(dir, "imgs", `a_${seed}.png`),
        await encodeRaw(synthImage(64, 48, { seed })),
      );
    }
    const cache = join(dir, "nested", "cache", "features.sqlite");
    const listed: string[][] = [];
    let ticks = 0;
    const r = await embedFolder([join(dir, "imgs")], cache, {
      onList: (paths) => listed.push([...paths]),
      onProgress: () => ticks++,
    });
    assert.deepEqual(listed, [[join(dir, "imgs", "a_1.png"), join(dir, "imgs", "a_2.png")]]);
    assert.equal(r.stats.images, 2);
    assert.equal(r.stats.embedded, 2);
    assert.deepEqual(r.failed, []);
    assert.ok(ticks >= 2, `${ticks} progress calls`);
    assert.ok(Deno.statSync(cache).isFile);
    const again = await embedFolder([join(dir, "imgs")], cache);
    assert.equal(again.stats.cached, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFolder() names an unknown feature block before embedding anything", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-embed-folder-" });
  try {
    await Deno.writeFile(join(dir, "a.png"), await encodeRaw(synthImage(32, 32, { seed: 3 })));
    const cache = join(dir, "f.sqlite");
    await assert.rejects(
      () => embedFolder([dir], cache, { features: ["builtin", "bogus"] }),
      (e: unknown) => e instanceof Error && /feature block "bogus"/.test(e.message),
    );
    assert.throws(() => Deno.statSync(cache), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
