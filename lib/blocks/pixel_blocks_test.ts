import assert from "node:assert/strict";
import { join } from "node:path";
import { embedFiles } from "../embed/mod.ts";
import { encodeRaw } from "../image/mod.ts";
import { SIGNATURE_SIZE } from "../signature/mod.ts";
import { pixelBlocksFor } from "./mod.ts";
import { greySquare } from "./pixel_blocks.ts";

Deno.test("greySquare() averages each cell's luma", () => {
  // 4×2 RGB: left half black, right half white → 2×2 grey: [0, 255, 0, 255].
  const data = new Uint8Array(4 * 2 * 3);
  for (let y = 0; y < 2; y++) {
    for (let x = 2; x < 4; x++) data.fill(255, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
  }
  assert.deepEqual([...greySquare({ data, width: 4, height: 2, channels: 3 }, 2)], [
    0,
    255,
    0,
    255,
  ]);
});

Deno.test("pixelBlocksFor() layout and signature come from embedFiles' one decode and are cached", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.png");
    const data = new Uint8Array(64 * 48 * 3).map((_, i) => (i * 37) % 251);
    await Deno.writeFile(path, await encodeRaw({ data, width: 64, height: 48, channels: 3 }));
    const cacheDb = join(dir, "f.sqlite");
    const blocks = pixelBlocksFor(["builtin", "layout", "signature", "vision"]);
    assert.deepEqual(blocks.map((b) => b.name), ["layout", "signature"]);
    const first = await embedFiles([path], { cacheDb, blocks });
    const f = first.byPath.get(path)!;
    assert.equal(f.blocks?.["layout"]?.length, 128);
    assert.equal(f.blocks?.["signature"]?.length, SIGNATURE_SIZE);
    assert.equal(first.stats.decoded, 1);
    const second = await embedFiles([path], { cacheDb, blocks });
    assert.equal(second.stats.decoded, 0, "a cached image is not decoded again");
    assert.deepEqual(second.byPath.get(path)!.blocks?.["signature"], f.blocks?.["signature"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
