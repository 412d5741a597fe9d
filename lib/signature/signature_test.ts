import assert from "node:assert/strict";
import type { RawImage } from "../image/mod.ts";
import { mulberry32 } from "../random/mod.ts";
import {
  compareSignatures,
  SIGNATURE_GRID,
  SIGNATURE_SIZE,
  signatureOf,
  TRANSITION_FEATURES,
  TRANSITION_SIZE,
} from "./mod.ts";

const W = 224, H = 224;

/** A textured test picture: smooth gradients plus seeded fine noise. */
function picture(seed = 1): RawImage {
  const rand = mulberry32(seed);
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const n = (rand() - 0.5) * 60;
      data[i] = clamp(60 + x * 0.5 + n);
      data[i + 1] = clamp(80 + y * 0.4 + n);
      data[i + 2] = clamp(120 + ((x + y) % 50) + n);
    }
  }
  return { data, width: W, height: H, channels: 3 };
}

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

function edit(
  img: RawImage,
  f: (r: number, g: number, b: number, x: number, y: number) => [number, number, number],
): RawImage {
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const [r, g, b] = f(img.data[i]!, img.data[i + 1]!, img.data[i + 2]!, x, y);
      data[i] = clamp(r);
      data[i + 1] = clamp(g);
      data[i + 2] = clamp(b);
    }
  }
  return { ...img, data };
}

/** Box-blur the square [x0, x0+s) × [y0, y0+s) (a local smear). */
function blurRegion(img: RawImage, x0: number, y0: number, s: number, r = 3): RawImage {
  const out = { ...img, data: Uint8Array.from(img.data) };
  for (let y = y0; y < y0 + s; y++) {
    for (let x = x0; x < x0 + s; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0, n = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) {
            sum += img.data[((y + dy) * W + (x + dx)) * 3 + c]!;
            n++;
          }
        }
        out.data[(y * W + x) * 3 + c] = Math.round(sum / n);
      }
    }
  }
  return out;
}

const at = (t: Float32Array, name: string): number => t[TRANSITION_FEATURES.indexOf(name)]!;

Deno.test("signatureOf() maps colour, detail and blown highlights into grid cells", () => {
  const flat = edit(picture(), () => [255, 40, 0]);
  const sig = signatureOf(flat);
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  assert.equal(sig.length, SIGNATURE_SIZE);
  assert.ok(Math.abs(sig[0]! - 1) < 1e-6 && Math.abs(sig[g2]! - 40 / 255) < 1e-6);
  assert.equal(sig[3 * g2 + g2 / 2]!, 0, "a flat image has no detail");
  assert.equal(sig[4 * g2 + 5]!, 1, "every pixel has a channel at 255");
  const textured = signatureOf(picture());
  assert.ok(textured[3 * g2 + g2 / 2]! > 0.05);
  assert.throws(() => signatureOf({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 }));
});

Deno.test("compareSignatures() is zero for identical images", () => {
  const s = signatureOf(picture());
  const t = compareSignatures(s, s);
  assert.equal(t.length, TRANSITION_SIZE);
  for (let i = 0; i < t.length; i++) {
    assert.ok(Math.abs(t[i]!) < 1e-6, `${TRANSITION_FEATURES[i]} = ${t[i]}`);
  }
});

Deno.test("compareSignatures() sees a colour cast as a global chromatic shift, not a local edit", () => {
  const base = picture();
  const cast = edit(base, (r, g, b) => [r * 1.12, g, b * 0.9]);
  const t = compareSignatures(signatureOf(cast), signatureOf(base));
  assert.ok(at(t, "mean_shift_r") > 0.03 && at(t, "mean_shift_b") < -0.03);
  assert.ok(at(t, "chroma_shift") > 0.05);
  const brighter = edit(base, (r, g, b) => [r * 1.1, g * 1.1, b * 1.1]);
  const tb = compareSignatures(signatureOf(brighter), signatureOf(base));
  assert.ok(at(tb, "chroma_shift") < at(t, "chroma_shift") / 3, "uniform gain is not a cast");
});

Deno.test("compareSignatures() sees a local smear as a local loss of detail", () => {
  const base = picture(3);
  const smeared = blurRegion(base, 90, 90, 40);
  const globalBlur = blurRegion(base, 4, 4, W - 8, 1);
  const tl = compareSignatures(signatureOf(smeared), signatureOf(base));
  const tg = compareSignatures(signatureOf(globalBlur), signatureOf(base));
  assert.ok(at(tl, "detail_loss") > 1, `local loss ${at(tl, "detail_loss")}`);
  assert.ok(Math.abs(at(tl, "detail_median")) < 0.05, "most of the frame is untouched");
  assert.ok(at(tg, "detail_median") < -0.3, "a global blur moves the median");
  assert.ok(at(tg, "detail_loss") < at(tl, "detail_loss") / 2);
});

Deno.test("compareSignatures() sees a pasted patch as a local residual and a blown region as highlights", () => {
  const base = picture(5);
  const other = picture(9);
  const pasted = edit(base, (r, g, b, x, y) => {
    if (x < 150 || x >= 190 || y < 30 || y >= 70) return [r, g, b];
    const i = (y * W + x) * 3;
    return [255 - other.data[i]!, other.data[i + 1]!, 255 - other.data[i + 2]!];
  });
  const tp = compareSignatures(signatureOf(pasted), signatureOf(base));
  assert.ok(at(tp, "residual_peak") > 0.08, `peak ${at(tp, "residual_peak")}`);
  assert.ok(at(tp, "residual_peak_ratio") > 5);
  const blown = edit(base, (r, g, b, x, y) => {
    const d = Math.hypot(x - 60, y - 160);
    return d < 30 ? [r * 1.8 + 60, g * 1.8 + 60, b * 1.8 + 60] : [r, g, b];
  });
  const th = compareSignatures(signatureOf(blown), signatureOf(base));
  assert.ok(at(th, "highlight_peak") > 0.5, `highlight peak ${at(th, "highlight_peak")}`);
  assert.ok(at(tp, "highlight_peak") < 0.2);
});

Deno.test("compareSignatures() reads sharpening from the native tiles, which the 224 px map cannot see", () => {
  const base = picture(13);
  // Unsharp-like: push each pixel away from its 4-neighbour mean.
  const sharp = edit(base, (r, g, b, x, y) => {
    if (x === 0 || y === 0 || x === W - 1 || y === H - 1) return [r, g, b];
    const px = (xx: number, yy: number, c: number) => base.data[(yy * W + xx) * 3 + c]!;
    const k = (v: number, c: number) =>
      v + 0.8 * (v - (px(x - 1, y, c) + px(x + 1, y, c) + px(x, y - 1, c) + px(x, y + 1, c)) / 4);
    return [k(r, 0), k(g, 1), k(b, 2)];
  });
  const work = picture(1); // the same small map for both: only the tiles differ
  const t = compareSignatures(signatureOf(work, [sharp]), signatureOf(work, [base]));
  assert.ok(at(t, "native_detail") > 0.2, `native detail ${at(t, "native_detail")}`);
  assert.ok(at(t, "native_edges") > 0.2, `native edges ${at(t, "native_edges")}`);
  assert.equal(at(t, "detail_median"), 0);
  const none = compareSignatures(signatureOf(work), signatureOf(work, [base]));
  assert.equal(at(none, "native_detail"), 0, "no tiles on one side: no native evidence");
});

Deno.test("compareSignatures() reads detail against the step's own detail curve", () => {
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID, d = 3 * g2;
  const rand = mulberry32(7);
  const before = new Float32Array(SIGNATURE_SIZE).map(() => 0.3 + 0.4 * rand());
  for (let i = 0; i < g2; i++) before[d + i] = 0.005 + 0.2 * rand() ** 2;
  // A sharpener that lifts flat cells more than busy ones: detail^0.6, all over the frame.
  const sharpened = Float32Array.from(before);
  for (let i = 0; i < g2; i++) sharpened[d + i] = before[d + i]! ** 0.6;
  // The same, with a 4×4-cell smear in the middle.
  const smeared = Float32Array.from(sharpened);
  for (let y = 14; y < 18; y++) {
    for (let x = 14; x < 18; x++) smeared[d + y * SIGNATURE_GRID + x]! *= 0.2;
  }
  const ts = compareSignatures(sharpened, before), tm = compareSignatures(smeared, before);
  // The plain ratio calls the uneven lift a local change; against the curve there is none.
  assert.ok(at(ts, "detail_loss") > 0.2 && at(ts, "detail_gain") > 0.2, `${at(ts, "detail_loss")}`);
  assert.ok(at(ts, "detail_fit_loss") < 0.05 && at(ts, "detail_fit_gain") < 0.05);
  assert.ok(at(tm, "detail_fit_loss") > 1, `smear ${at(tm, "detail_fit_loss")}`);
  assert.equal(at(compareSignatures(before, before), "detail_fit_loss"), 0);
});
