import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import type { ImageFeatures } from "../types.ts";
import { addFeatureBlocks } from "./mod.ts";

function features(): ImageFeatures {
  return {
    sha256: "x",
    width: 32,
    height: 32,
    phash: [0, 0],
    builtin: new Float32Array(2),
    embedding: null,
  };
}

Deno.test("addFeatureBlocks() adds the layout block and counts failures", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = join(dir, "a.png");
    const data = new Uint8Array(32 * 32 * 3).map((_, i) => (i * 7) % 256);
    await Deno.writeFile(good, await encodeRaw({ data, width: 32, height: 32, channels: 3 }));
    const bad = join(dir, "b.png");
    await Deno.writeTextFile(bad, "not an image");
    const byPath = new Map([[good, features()], [bad, features()]]);
    const r = await addFeatureBlocks(byPath, ["builtin", "layout"]);
    assert.deepEqual(r, { computed: { layout: 1 }, failed: { layout: 1 } });
    assert.equal(byPath.get(good)!.blocks?.["layout"]?.length, 128);
    assert.equal(byPath.get(bad)!.blocks?.["layout"], undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("addFeatureBlocks() refuses an unknown block name", async () => {
  await assert.rejects(
    () => addFeatureBlocks(new Map(), ["colour"]),
    /Cannot add feature block "colour"/,
  );
});

Deno.test("addFeatureBlocks() ignores the blocks lib/embed computes", async () => {
  const r = await addFeatureBlocks(new Map(), ["builtin", "phash", "embedding"]);
  assert.deepEqual(r, { computed: {}, failed: {} });
});
