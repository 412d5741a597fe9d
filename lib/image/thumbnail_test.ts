import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw, probe, thumbnail } from "./mod.ts";
import { thumbnailPath } from "./thumbnail.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";

Deno.test("thumbnail() caches by content hash: a moved file reuses its thumbnail", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = join(dir, "a.png");
    await Deno.writeFile(src, await encodeRaw(synthImage(400, 200, { seed: 4 })));
    const cache = join(dir, "thumbs");
    const t1 = await thumbnail(src, cache, { side: 100 });
    assert.equal(t1.cached, false);
    assert.equal(t1.path, thumbnailPath(cache, t1.sha256, 100));
    const size = await probe(t1.path);
    assert.deepEqual([size.width, size.height, size.format], [200, 100, "jpeg"]);
    const moved = join(dir, "b.png");
    await Deno.rename(src, moved);
    const t2 = await thumbnail(moved, cache, { side: 100 });
    assert.equal(t2.cached, true);
    assert.equal(t2.path, t1.path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
