import assert from "node:assert/strict";
import sharp from "sharp";

type Sharp = ReturnType<typeof sharp>;
import { decodeOnce, gridTiles, ImageReadError, ReadBuffer } from "./mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";

// Test inputs in formats our encoder does not write (16-bit, grey+alpha, EXIF rotation).
async function encodeWith(fn: (s: Sharp) => Sharp): Promise<Uint8Array> {
  const img = synthImage(30, 20, { seed: 5 });
  const s = sharp(img.data, { raw: { width: 30, height: 20, channels: 3 } });
  return new Uint8Array(await fn(s).toBuffer());
}

Deno.test("decodeOnce() applies EXIF orientation and normalises 16-bit, grey and alpha to 8-bit RGB", async () => {
  const rotated = await encodeWith((s) => s.jpeg().withMetadata({ orientation: 6 }));
  const r = await decodeOnce("rot.jpg", { bytes: rotated, clipSize: 16, workSide: 16 });
  assert.deepEqual([r.width, r.height], [20, 30]);
  for (
    const bytes of [
      await encodeWith((s) => s.toColourspace("rgb16").png()),
      await encodeWith((s) => s.greyscale().png()),
      await encodeWith((s) => s.ensureAlpha(0.5).png()),
    ]
  ) {
    const d = await decodeOnce("x.png", { bytes, clipSize: 16, workSide: 16 });
    assert.equal(d.work.channels, 3);
    assert.equal(d.clip!.data.length, 16 * 16 * 3);
  }
});

Deno.test("decodeOnce() rejects a 60000×60000 header before decoding", async () => {
  const png = await encodeWith((s) => s.png());
  const huge = png.slice();
  new DataView(huge.buffer).setUint32(16, 60000);
  new DataView(huge.buffer).setUint32(20, 60000);
  const err = await decodeOnce("huge.png", { bytes: huge }).catch((e) => e);
  assert.ok(err instanceof ImageReadError);
  assert.equal(err.reason, "too_many_pixels");
});

Deno.test("gridTiles() cuts native-resolution tiles centred in each cell", () => {
  const img = synthImage(90, 60, { seed: 1 });
  const tiles = gridTiles(img, 3, 10);
  assert.equal(tiles.length, 9);
  const t = tiles[4]!;
  assert.deepEqual([t.x, t.y, t.image.width, t.image.height], [40, 25, 10, 10]);
  const i = (25 * 90 + 40) * 3;
  assert.deepEqual(
    Array.from(t.image.data.subarray(0, 3)),
    Array.from(img.data.subarray(i, i + 3)),
  );
});

Deno.test("ReadBuffer.read() returns whole files of any size, reusing its buffer", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rb = new ReadBuffer();
    for (const n of [0, 5, 3_000_000, 10]) {
      const p = `${dir}/f${n}`;
      const data = new Uint8Array(n).map((_, i) => i % 251);
      await Deno.writeFile(p, data);
      assert.deepEqual(await rb.read(p), data);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
