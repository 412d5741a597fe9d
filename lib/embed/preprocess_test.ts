import assert from "node:assert/strict";
import { clipPlan, decodeOnce, encodeRaw, type RawImage } from "../image/mod.ts";
import { CLIP_DEFAULTS } from "./encoder_config.ts";
import { writeEncoderInput } from "./preprocess.ts";

/** PIL's BICUBIC (a = −0.5) with antialiasing, one axis, rounding to uint8 like Pillow. */
function pilResizeAxis(
  src: Float64Array,
  inW: number,
  inH: number,
  outLen: number,
  horizontal: boolean,
): Float64Array {
  const inLen = horizontal ? inW : inH;
  const scale = inLen / outLen;
  const filterscale = Math.max(scale, 1);
  const support = 2 * filterscale;
  const cubic = (x: number): number => {
    const a = -0.5;
    x = Math.abs(x);
    if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
    return 0;
  };
  const outW = horizontal ? outLen : inW;
  const outH = horizontal ? inH : outLen;
  const out = new Float64Array(outW * outH * 3);
  for (let o = 0; o < outLen; o++) {
    const center = (o + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inLen);
    const w: number[] = [];
    for (let x = xmin; x < xmax; x++) w.push(cubic((x - center + 0.5) / filterscale));
    const total = w.reduce((a, b) => a + b, 0);
    for (let other = 0; other < (horizontal ? inH : inW); other++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < w.length; k++) {
          const x = xmin + k;
          const idx = horizontal ? (other * inW + x) * 3 + c : (x * inW + other) * 3 + c;
          s += src[idx]! * w[k]! / total;
        }
        const v = Math.min(255, Math.max(0, Math.round(s)));
        out[horizontal ? (other * outW + o) * 3 + c : (o * outW + other) * 3 + c] = v;
      }
    }
  }
  return out;
}

Deno.test("clipPlan() reproduces torchvision Resize + CenterCrop geometry", () => {
  assert.deepEqual(clipPlan(1024, 1536, 224), {
    width: 224,
    height: 336,
    left: 0,
    top: 56,
    size: 224,
  });
  assert.deepEqual(clipPlan(832, 1216, 224), {
    width: 224,
    height: 327,
    left: 0,
    top: 52,
    size: 224,
  });
  // (13 - 8) / 2 = 2.5 rounds half to even → 2, as Python's round() does.
  assert.deepEqual(clipPlan(20, 12, 8), { width: 13, height: 8, left: 2, top: 0, size: 8 });
  assert.deepEqual(clipPlan(3072, 3072, 224), {
    width: 224,
    height: 224,
    left: 0,
    top: 0,
    size: 224,
  });
});

Deno.test("decodeOnce() encoder square matches PIL bicubic resize + centre crop (smooth: ±1, edges: a few levels)", async () => {
  const w = 40;
  const h = 24;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = (x * 6 + y * 3) % 256;
      data[i + 1] = Math.round(128 + 100 * Math.sin(x / 3) * Math.cos(y / 4));
      data[i + 2] = (x * y * 7) % 256;
    }
  }
  const size = 16;
  const png = await encodeRaw({ data, width: w, height: h, channels: 3 });
  const d = await decodeOnce("mem.png", { bytes: png, clipSize: size, grid: 1, tileSide: 8 });
  const plan = clipPlan(w, h, size); // 26 x 16, left 5
  const horiz = pilResizeAxis(Float64Array.from(data), w, h, plan.width, true);
  const ref = pilResizeAxis(horiz, plan.width, h, plan.height, false);
  const clip = d.clip as RawImage;
  assert.equal(clip.width, size);
  assert.equal(clip.height, size);
  let maxDiff = 0;
  let sumDiff = 0;
  const per = [0, 0, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const r = ref[((y + plan.top) * plan.width + x + plan.left) * 3 + c]!;
        const dd = Math.abs(clip.data[(y * size + x) * 3 + c]! - r);
        per[c] = Math.max(per[c]!, dd);
        sumDiff += dd;
        maxDiff = Math.max(maxDiff, dd);
      }
    }
  }
  // Smooth content agrees to rounding; at hard edges (the R ramp wraps 255 → 0) libvips'
  // fixed-point cubic and Pillow's differ by a few levels; on average they agree to < 0.5.
  assert.ok(per[1]! <= 1, `smooth channel differs from PIL by ${per[1]}`);
  assert.ok(maxDiff <= 6, `max difference from PIL reference: ${maxDiff}`);
  assert.ok(sumDiff / (size * size * 3) < 0.5, `mean difference ${sumDiff / (size * size * 3)}`);
});

Deno.test("writeEncoderInput() normalises with CLIP mean/std in NCHW order", () => {
  const s = 2;
  const sq: RawImage = {
    data: new Uint8Array([255, 0, 128, 0, 0, 0, 0, 0, 0, 128, 255, 0]),
    width: s,
    height: s,
    channels: 3,
  };
  const cfg = { ...CLIP_DEFAULTS, input_size: s };
  const t = new Float32Array(2 * 3 * s * s).fill(99);
  writeEncoderInput(sq, t, 1, cfg);
  const at = (c: number, p: number): number => t[3 * s * s + c * s * s + p]!;
  // Hand-computed: (v / 255 - mean) / std.
  assert.ok(Math.abs(at(0, 0) - 1.930336254158794) < 1e-5); // R = 255
  assert.ok(Math.abs(at(1, 0) - -1.7520971281645974) < 1e-5); // G = 0
  assert.ok(Math.abs(at(2, 0) - 0.33994864299551714) < 1e-5); // B = 128
  assert.ok(Math.abs(at(0, 3) - 0.07633607351494368) < 1e-5); // R = 128
  assert.ok(Math.abs(at(1, 3) - 2.0748838377332515) < 1e-5); // G = 255
  assert.equal(t[0], 99); // batch slot 0 untouched
});
