import assert from "node:assert/strict";
import {
  decodeOnce,
  encodeRaw,
  grey32,
  hammingDistance64,
  phashBits,
  phashFromGrey32,
  type RawImage,
  referencePhash,
  resizeRaw,
} from "./mod.ts";
import { phashFromBitString } from "./phash.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";

/** sharp-phash's algorithm transcribed literally (x = column, dct[u][v]). */
function literalPhash(data: ArrayLike<number>): string {
  const N = 32;
  const cosT = (k: number, n: number): number => Math.cos(((2 * k + 1) / (2 * N)) * n * Math.PI);
  const f = (x: number, y: number): number => data[N * y + x] as number;
  let bits = "";
  const coef: number[] = [];
  for (let u = 1; u <= 8; u++) {
    for (let v = 1; v <= 8; v++) {
      let sum = 0;
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < N; j++) sum += cosT(i, u) * cosT(j, v) * f(i, j);
      }
      coef.push(sum / 4);
    }
  }
  const avg = coef.reduce((a, b) => a + b, 0) / 64;
  for (const c of coef) bits += c > avg ? "1" : "0";
  return bits;
}

Deno.test("hammingDistance64() counts differing bits across both halves", () => {
  assert.equal(hammingDistance64([0, 0], [0, 0]), 0);
  assert.equal(hammingDistance64([0xffffffff, 0], [0, 0]), 32);
  assert.equal(hammingDistance64([0x80000001, 0xf], [1, 0]), 5);
  assert.equal(hammingDistance64([0xffffffff, 0xffffffff], [0, 0]), 64);
});

Deno.test("phashFromGrey32() matches sharp-phash's DCT bit for bit", () => {
  let s = 7;
  for (let trial = 0; trial < 5; trial++) {
    const g = new Float32Array(1024);
    for (let i = 0; i < 1024; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      g[i] = (s >>> 24) + 40 * Math.sin(i / (7 + trial));
    }
    assert.deepEqual(phashFromGrey32(g), phashFromBitString(literalPhash(g)));
  }
});

Deno.test("phashBits() and phashFromBitString() agree on bit order", () => {
  const bits = "1011" + "0".repeat(28) + "1".repeat(31) + "0";
  const h = phashFromBitString(bits);
  assert.equal(Array.from(phashBits(h)).join(""), bits);
});

async function variants(dir: string): Promise<Record<string, string>> {
  const base = synthImage(256, 320, { seed: 11 });
  const crop = (img: RawImage, m: number): RawImage => {
    const w = img.width - 2 * m;
    const h = img.height - 2 * m;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) {
      data.set(
        img.data.subarray(((y + m) * img.width + m) * 3, ((y + m) * img.width + m + w) * 3),
        y * w * 3,
      );
    }
    return { data, width: w, height: h, channels: 3 };
  };
  const files: Record<string, Uint8Array> = {
    base: await encodeRaw(base),
    resized: await encodeRaw(await resizeRaw(base, { width: 128, height: 160 })),
    jpeg: await encodeRaw(base, { format: "jpeg", quality: 70 }),
    cropped: await encodeRaw(crop(base, 6)),
    other1: await encodeRaw(synthImage(256, 320, { seed: 12 })),
    other2: await encodeRaw(synthImage(320, 256, { seed: 13 })),
    other3: await encodeRaw(synthImage(256, 256, { seed: 14 })),
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) {
    out[k] = `${dir}/${k}.${k === "jpeg" ? "jpg" : "png"}`;
    await Deno.writeFile(out[k]!, v);
  }
  return out;
}

Deno.test("decodeOnce() pHash makes the same near-duplicate decisions as sharp-phash", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await variants(dir);
    const ours: Record<string, [number, number]> = {};
    const ref: Record<string, [number, number]> = {};
    for (const [k, p] of Object.entries(files)) {
      ours[k] = (await decodeOnce(p, { clipSize: null })).phash;
      ref[k] = phashFromBitString(await referencePhash(p));
    }
    const NEAR = 10;
    const expectations: [string, boolean][] = [
      ["resized", true],
      ["jpeg", true],
      ["cropped", true],
      ["other1", false],
      ["other2", false],
      ["other3", false],
    ];
    for (const [k, near] of expectations) {
      const d = hammingDistance64(ours.base!, ours[k]!);
      const dr = hammingDistance64(ref.base!, ref[k]!);
      assert.equal(d <= NEAR, near, `ours: base vs ${k} = ${d}`);
      assert.equal(dr <= NEAR, near, `sharp-phash: base vs ${k} = ${dr}`);
    }
    // Ours stays close to the reference hash of the same file.
    for (const k of Object.keys(files)) {
      assert.ok(hammingDistance64(ours[k]!, ref[k]!) <= 8, `ours vs reference on ${k}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("grey32() averages areas to 32×32 luma", () => {
  const img = { data: new Uint8Array(64 * 64 * 3).fill(100), width: 64, height: 64, channels: 3 };
  const g = grey32(img.data, img);
  assert.equal(g.length, 1024);
  assert.ok(Math.abs(g[0]! - 100) < 1e-3 && Math.abs(g[1023]! - 100) < 1e-3);
});
