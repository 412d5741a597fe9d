import assert from "node:assert/strict";
import { decodeOnce, encodeRaw, type RawImage, resizeRaw } from "../image/mod.ts";
import { BUILTIN_FEATURE_NAMES, computeBuiltinFeatures } from "./builtin_features.ts";

type Name = typeof BUILTIN_FEATURE_NAMES[number];
const S = 384;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function image(
  w: number,
  h: number,
  fn: (x: number, y: number) => [number, number, number],
): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [r, g, b] = fn(x, y);
      const i = (y * w + x) * 3;
      data[i] = Math.max(0, Math.min(255, Math.round(r)));
      data[i + 1] = Math.max(0, Math.min(255, Math.round(g)));
      data[i + 2] = Math.max(0, Math.min(255, Math.round(b)));
    }
  }
  return { data, width: w, height: h, channels: 3 };
}

/** Textured grey: smooth base plus uniform noise of amplitude `amp`. */
function textured(seed: number, amp: number, w = S, h = S): RawImage {
  const r = rng(seed);
  return image(w, h, (x, y) => {
    const v = 120 + 30 * Math.sin(x / 17) * Math.cos(y / 23) + (r() - 0.5) * 2 * amp;
    return [v, v, v];
  });
}

function boxBlur(
  img: RawImage,
  radius: number,
  inside?: (x: number, y: number) => boolean,
): RawImage {
  const { width: w, height: h } = img;
  const out = new Uint8Array(img.data);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (inside && !inside(x, y)) continue;
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let n = 0;
        for (let dy = -radius; dy <= radius; dy++) {
          for (let dx = -radius; dx <= radius; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx));
            const yy = Math.min(h - 1, Math.max(0, y + dy));
            s += img.data[(yy * w + xx) * 3 + c]!;
            n++;
          }
        }
        out[(y * w + x) * 3 + c] = Math.round(s / n);
      }
    }
  }
  return { ...img, data: out };
}

async function features(img: RawImage, format: "png" | "jpeg" = "png", quality = 90) {
  const bytes = await encodeRaw(img, { format, quality });
  const d = await decodeOnce("mem", { bytes, clipSize: null, grid: 3, tileSide: 96 });
  const v = computeBuiltinFeatures(d);
  return (name: Name): number => v[BUILTIN_FEATURE_NAMES.indexOf(name)]!;
}

Deno.test("computeBuiltinFeatures() reports resolution and aspect", async () => {
  const f = await features(image(300, 150, () => [90, 90, 90]));
  assert.ok(Math.abs(f("log2_width") - Math.log2(300)) < 1e-5);
  assert.ok(Math.abs(f("log2_height") - Math.log2(150)) < 1e-5);
  assert.ok(Math.abs(f("log_aspect") - Math.log(2)) < 1e-5);
  assert.ok(Math.abs(f("log2_megapixels") - Math.log2(0.045)) < 1e-5);
});

Deno.test("computeBuiltinFeatures() sharpness drops on a blurred copy", async () => {
  const sharp = textured(1, 40);
  const fs = await features(sharp);
  const fb = await features(boxBlur(sharp, 2));
  assert.ok(fs("sharpness") > fb("sharpness") + 1, `${fs("sharpness")} vs ${fb("sharpness")}`);
});

Deno.test("computeBuiltinFeatures() smear flags one smeared region", async () => {
  const img = textured(2, 40);
  const base = await features(img);
  // Blur only the top-left grid cell.
  const smeared = await features(boxBlur(img, 3, (x, y) => x < S / 3 && y < S / 3));
  assert.ok(smeared("smear") < base("smear") - 1, `${smeared("smear")} vs ${base("smear")}`);
});

Deno.test("computeBuiltinFeatures() centre ratios flag a pasted smooth centre (face mismatch)", async () => {
  const img = textured(3, 40);
  const base = await features(img);
  const mid = (x: number, y: number): boolean =>
    x >= S / 3 && x < (2 * S) / 3 && y >= S / 3 && y < (2 * S) / 3;
  const pasted = await features(boxBlur(img, 3, mid));
  assert.ok(pasted("centre_sharpness_ratio") < base("centre_sharpness_ratio") - 1);
  assert.ok(pasted("noise_centre_ratio") < base("noise_centre_ratio") - 0.5);
});

Deno.test("computeBuiltinFeatures() noise estimates the grain level", async () => {
  const r = rng(4);
  // Gaussian grain σ = 10 on flat grey (Box-Muller).
  const noisy = image(S, S, () => {
    const g = Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
    const v = 128 + 10 * g;
    return [v, v, v];
  });
  const fn = await features(noisy);
  const ff = await features(image(S, S, () => [128, 128, 128]));
  assert.ok(Math.abs(fn("noise") - 1) < 0.3, `σ/10 = ${fn("noise")}`);
  assert.ok(ff("noise") < 0.05);
});

Deno.test("computeBuiltinFeatures() exposure and clipping follow blown and crushed areas", async () => {
  const half = await features(image(S, S, (x) => x < S / 2 ? [255, 255, 255] : [128, 128, 128]));
  assert.ok(Math.abs(half("clip_high") - 0.5) < 0.05);
  const corner = await features(
    image(S, S, (x, y) => x < S / 4 && y < S / 4 ? [255, 255, 255] : [100, 100, 100]),
  );
  assert.ok(corner("clip_high") < 0.1 && corner("clip_high_max_region") > 0.95);
  const dark = await features(image(S, S, (_x, y) => y < S / 2 ? [0, 0, 0] : [60, 60, 60]));
  assert.ok(Math.abs(dark("clip_low") - 0.5) < 0.05);
  assert.ok(dark("brightness") < half("brightness"));
  assert.ok(half("contrast") > 0.2);
});

Deno.test("computeBuiltinFeatures() colourfulness and cast see a tint", async () => {
  const grey = await features(textured(5, 10));
  const red = await features(image(S, S, (x, y) => {
    const v = 110 + 20 * Math.sin(x / 9 + y / 13);
    return [v + 50, v, v];
  }));
  const blue = await features(image(S, S, (x) => [100 + (x % 7), 100, 160]));
  assert.ok(grey("colourfulness") < 0.05);
  assert.ok(Math.abs(grey("cast_red_green")) < 0.01);
  assert.ok(red("cast_red_green") > 0.15);
  assert.ok(red("colourfulness") > grey("colourfulness") + 0.1);
  assert.ok(blue("cast_blue_yellow") > 0.15 && red("cast_blue_yellow") < 0);
  assert.ok(red("saturation") > grey("saturation"));
});

Deno.test("computeBuiltinFeatures() edge density is high on a checkerboard and zero when flat", async () => {
  const checker = await features(
    image(S, S, (x, y) => ((x >> 3) + (y >> 3)) % 2 ? [230, 230, 230] : [20, 20, 20]),
  );
  const flat = await features(image(S, S, () => [120, 120, 120]));
  assert.ok(checker("edge_density") > 0.3, `${checker("edge_density")}`);
  assert.equal(flat("edge_density"), 0);
});

Deno.test("computeBuiltinFeatures() blockiness rises on heavy JPEG compression", async () => {
  const img = textured(6, 12);
  const png = await features(img, "png");
  const jpg = await features(img, "jpeg", 8);
  assert.ok(
    jpg("blockiness") > png("blockiness") + 0.1,
    `${jpg("blockiness")} vs ${png("blockiness")}`,
  );
});

Deno.test("computeBuiltinFeatures() upscale ratio drops on a 2× upscaled image", async () => {
  const native = textured(7, 40);
  const small = textured(7, 40, S / 2, S / 2);
  const up = await resizeRaw(small, { width: S, height: S, kernel: "cubic" });
  const fn = await features(native);
  const fu = await features(up);
  assert.ok(fu("upscale_hf_ratio") < fn("upscale_hf_ratio") - 0.3);
});

Deno.test("computeBuiltinFeatures() duplicate_patch finds a copied block", async () => {
  const img = textured(8, 60);
  const base = await features(img);
  const copy = new Uint8Array(img.data);
  // Copy a 144×144 block from (48, 48) to (216, 216).
  for (let y = 0; y < 144; y++) {
    const from = ((48 + y) * S + 48) * 3;
    copy.set(img.data.subarray(from, from + 144 * 3), ((216 + y) * S + 216) * 3);
  }
  const dup = await features({ ...img, data: copy });
  assert.ok(dup("duplicate_patch") > 0.9, `${dup("duplicate_patch")}`);
  assert.ok(dup("duplicate_patch") > base("duplicate_patch") + 0.2, `${base("duplicate_patch")}`);
});

Deno.test("computeBuiltinFeatures() centre colour delta sees a recoloured subject box", async () => {
  const plain = await features(textured(9, 10));
  const tinted = textured(9, 10);
  for (let y = Math.floor(S / 8); y < Math.ceil((5 * S) / 8); y++) {
    for (let x = S / 4; x < (3 * S) / 4; x++) {
      const i = (y * S + x) * 3;
      tinted.data[i] = Math.min(255, tinted.data[i]! + 40);
    }
  }
  const ft = await features(tinted);
  assert.ok(ft("centre_colour_delta") > plain("centre_colour_delta") + 0.1);
  assert.ok(ft("centre_brightness_delta") > plain("centre_brightness_delta"));
});
