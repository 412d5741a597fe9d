import assert from "node:assert/strict";
import { join } from "node:path";
import { boxToPixels, cropToNewFile, encodeRaw, readRaw } from "./mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";

Deno.test("boxToPixels() rounds a normalised box and rejects invalid ones", () => {
  assert.deepEqual(boxToPixels([0.1, 0.25, 0.6, 1], { width: 200, height: 100 }), {
    left: 20,
    top: 25,
    width: 100,
    height: 75,
  });
  assert.throws(() => boxToPixels([0.5, 0, 0.4, 1], { width: 10, height: 10 }), RangeError);
  assert.throws(() => boxToPixels([0, 0, 1.2, 1], { width: 10, height: 10 }), RangeError);
});

Deno.test("cropToNewFile() writes the box as a new file and leaves the source untouched", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = join(dir, "a.png");
    const img = synthImage(120, 80, { seed: 2 });
    await Deno.writeFile(src, await encodeRaw(img));
    const before = await Deno.readFile(src);
    const dest = join(dir, "a_crop.png");
    const r = await cropToNewFile(src, dest, [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(r.region, { left: 30, top: 40, width: 60, height: 40 });
    const out = await readRaw(dest);
    assert.equal(out.width, 60);
    assert.equal(out.height, 40);
    // Pixel (0, 0) of the crop is pixel (30, 40) of the source (PNG is lossless).
    const i = (40 * 120 + 30) * 3;
    assert.deepEqual(Array.from(out.data.subarray(0, 3)), Array.from(img.data.subarray(i, i + 3)));
    assert.deepEqual(await Deno.readFile(src), before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cropToNewFile() refuses to overwrite an existing file or the source", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = join(dir, "a.png");
    await Deno.writeFile(src, await encodeRaw(synthImage(40, 40)));
    const taken = join(dir, "taken.png");
    await Deno.writeTextFile(taken, "keep me");
    await assert.rejects(
      () => cropToNewFile(src, taken, [0, 0, 0.5, 0.5]),
      Deno.errors.AlreadyExists,
    );
    assert.equal(await Deno.readTextFile(taken), "keep me");
    await assert.rejects(() => cropToNewFile(src, join(dir, ".", "a.png"), [0, 0, 0.5, 0.5]));
    assert.equal((await Deno.stat(src)).isFile, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
