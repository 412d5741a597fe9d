import assert from "node:assert/strict";
import sharp from "sharp";
import { decodePngInto, PixelBuffer, useLoadedVips } from "./_vips.ts";
import { decodeToRgb, encodeRaw, resizeRaw, writeJpeg } from "./mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";

type Sharp = ReturnType<typeof sharp>;

// PNG variants written by sharp itself (16-bit, grey, alpha, palette, ICC, EXIF rotation).
async function png(fn: (s: Sharp) => Sharp, w = 30, h = 20): Promise<Uint8Array> {
  const img = synthImage(w, h, { seed: 7 });
  return new Uint8Array(
    await fn(sharp(img.data, { raw: { width: w, height: h, channels: 3 } }))
      .toBuffer(),
  );
}

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

Deno.test("decodePngInto() gives sharp's pixels for a plain RGB PNG, at any byte offset", async () => {
  const bytes = await png((s) => s.png({ compressionLevel: 6 }), 61, 37);
  const ref = await decodeToRgb(bytes);
  const padded = new Uint8Array(bytes.length + 13);
  padded.set(bytes, 13);
  const into = new PixelBuffer();
  for (const view of [bytes, padded.subarray(13)]) {
    const fast = await decodePngInto(view, into, 1e8);
    assert.ok(fast, "a plain 8-bit RGB PNG takes the fast path");
    assert.deepEqual([fast.width, fast.height, fast.channels], [61, 37, 3]);
    assert.ok(same(fast.data, ref.data));
  }
});

Deno.test("decodePngInto() declines what sharp converts (16-bit, grey, alpha, ICC, EXIF rotation, too big, not PNG)", async () => {
  const into = new PixelBuffer();
  const cases = [
    await png((s) => s.toColourspace("rgb16").png()),
    await png((s) => s.extractChannel(0).toColourspace("b-w").png()),
    await png((s) => s.ensureAlpha(0.5).png()),
    await png((s) => s.png().withIccProfile("p3")),
    await png((s) => s.png().withMetadata({ orientation: 6 })),
    await png((s) => s.jpeg()),
  ];
  for (const bytes of cases) {
    assert.equal(await decodePngInto(bytes, into, 1e8), null);
    // decodeToRgb() with a buffer falls back to sharp: same result as without.
    const a = await decodeToRgb(bytes);
    const b = await decodeToRgb(bytes, { into });
    assert.deepEqual([b.width, b.height, b.channels], [a.width, a.height, a.channels]);
    assert.ok(same(a.data, b.data));
  }
  const plain = await png((s) => s.png());
  assert.equal(await decodePngInto(plain, into, 30 * 20 - 1), null);
});

Deno.test("decodeToRgb() into a PixelBuffer reuses it and still reports sharp's errors", async () => {
  const into = new PixelBuffer();
  const big = await decodeToRgb(await png((s) => s.png(), 40, 40), { into });
  const small = await decodeToRgb(await png((s) => s.png(), 10, 10), { into });
  assert.equal(big.data.buffer, small.data.buffer, "one buffer for both");
  const bytes = await png((s) => s.png(), 40, 40);
  const truncated = bytes.slice(0, bytes.length >> 1);
  await assert.rejects(() => decodeToRgb(truncated, { into }));
  await assert.rejects(() => decodeToRgb(truncated));
});

Deno.test("resizeRaw() and writeJpeg() give sharp's own pixels and bytes (odd sizes, grey, cubic and lanczos3)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rgb = synthImage(301, 187, { seed: 9 });
    const grey = { ...rgb, data: rgb.data.filter((_, i) => i % 3 === 0), channels: 1 as const };
    for (const img of [rgb, grey]) {
      for (const kernel of ["cubic", "lanczos3"] as const) {
        const opts = { width: 97, height: 61, kernel };
        const fast = await resizeRaw(img, opts);
        const ref = await sharp(img.data, {
          raw: { width: img.width, height: img.height, channels: img.channels },
        }).resize(97, 61, { fit: "fill", kernel }).raw().toBuffer({ resolveWithObject: true });
        assert.deepEqual([fast.width, fast.height, fast.channels], [97, 61, ref.info.channels]);
        assert.ok(same(fast.data, ref.data));
      }
      const path = `${dir}/t.jpg`;
      await writeJpeg(img, path, 80);
      assert.ok(
        same(await Deno.readFile(path), await encodeRaw(img, { format: "jpeg", quality: 80 })),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "decodePngInto() takes the fast path with the tasks' permissions (no --allow-all)",
  permissions: { read: true, write: true, env: true, ffi: true, sys: true, net: false, run: false },
  async fn() {
    useLoadedVips(sharp.versions.vips); // forget the handle opened under the test runner's -A
    const bytes = await png((s) => s.png(), 12, 9);
    assert.ok(await decodePngInto(bytes, new PixelBuffer(), 1e8));
  },
});

Deno.test("decodePngInto() matches sharp on interlaced and palette PNGs too", async () => {
  const into = new PixelBuffer();
  for (
    const bytes of [
      await png((s) => s.png({ progressive: true }), 45, 33),
      await png((s) => s.png({ palette: true, colours: 64 }), 45, 33),
    ]
  ) {
    const ref = await decodeToRgb(bytes);
    const fast = await decodePngInto(bytes, into, 1e8);
    const got = fast ?? await decodeToRgb(bytes, { into });
    assert.deepEqual([got.width, got.height, got.channels], [ref.width, ref.height, 3]);
    assert.ok(same(got.data, ref.data));
  }
});
