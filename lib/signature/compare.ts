/**
 * What changed between two stage variants of one shot, from their pixel
 * signatures: the evidence a creator uses to keep a lower stage. A stage is
 * derived from the one below it (face swap, 2× upscale with sharpening, 3×
 * enhance), so a healthy transition changes the image smoothly and
 * globally; a broken one leaves a *local* change (smear, warp, a pasted or
 * mismatched patch, a blown region), a colour shift, or over-processing.
 *
 * Every value is named in {@linkcode TRANSITION_FEATURES} and is 0 when the
 * two images are identical.
 *
 * @module
 */
import { NATIVE_OFFSET, NATIVE_TILES, SIGNATURE_GRID, SIGNATURE_SIZE } from "./signature.ts";

/** Names of the transition features, in output order. */
export const TRANSITION_FEATURES: readonly string[] = Object.freeze([
  // Colour: global per-channel mean shift, its size, and its chromatic part (brightness removed).
  "mean_shift_r",
  "mean_shift_g",
  "mean_shift_b",
  "mean_shift",
  "chroma_shift",
  // Colour shift that varies across the frame (a gradient cast).
  "shift_spread",
  // Local change after removing the global shift (a structural edit somewhere).
  "residual_mean",
  "residual_p90",
  "residual_max",
  "residual_peak", // max of the 3×3-smoothed residual
  "residual_peak_ratio", // peak / (median + ε): local, not global
  // Detail (log ratio of Laplacian energy): global change, local loss, local gain.
  "detail_median",
  "detail_loss", // median − min of the 3×3-smoothed log ratio
  "detail_gain", // max − median
  "detail_spread",
  // Highlights: blown share, global and worst local increase.
  "highlight_mean",
  "highlight_peak",
  // Global tone: brightness, contrast and saturation change (over-enhancement).
  "luma_shift",
  "contrast_ratio",
  "saturation_ratio",
  // Native-resolution detail (log ratios over the decode's tiles): sharpening, local smears.
  "native_detail",
  "native_detail_loss", // median − min over tiles
  "native_edges",
  // Detail read against the step's own detail curve (log detail after vs before, a line
  // fitted over the cells): an upscaler or sharpener lifts flat and busy cells by different
  // factors, which the plain log ratio reads as local loss or gain.
  "detail_fit_loss", // −min of the 3×3-smoothed residual from the line
  "detail_fit_gain", // max of it
]);

/** Number of transition features. */
export const TRANSITION_SIZE = TRANSITION_FEATURES.length;

const EPS = 1e-3;

/** 3×3 mean (edge cells average what exists), separable: rows, then columns. */
function smooth3(map: Float32Array, g: number): Float32Array {
  const rows = new Float32Array(map.length), out = new Float32Array(map.length);
  for (let y = 0; y < g; y++) {
    const o = y * g;
    for (let x = 0; x < g; x++) {
      let s = map[o + x]!, n = 1;
      if (x > 0) (s += map[o + x - 1]!), n++;
      if (x < g - 1) (s += map[o + x + 1]!), n++;
      rows[o + x] = s / n;
    }
  }
  for (let y = 0; y < g; y++) {
    const ny = 1 + (y > 0 ? 1 : 0) + (y < g - 1 ? 1 : 0);
    for (let x = 0; x < g; x++) {
      const i = y * g + x;
      let s = rows[i]!;
      if (y > 0) s += rows[i - g]!;
      if (y < g - 1) s += rows[i + g]!;
      out[i] = s / ny;
    }
  }
  return out;
}

function maxOf(v: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! > m) m = v[i]!;
  return m;
}

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i]!;
}

function stats(v: Float32Array): { mean: number; sd: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / Math.max(1, v.length);
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, sd: Math.sqrt(q / Math.max(1, v.length)) };
}

/**
 * Transition features from `before` (the lower stage) to `after`.
 *
 * @param after Signature of the higher stage.
 * @param before Signature of the stage it was derived from.
 * @returns `TRANSITION_SIZE` values.
 * @example
 * ```ts
 * declare const sigStage2: Float32Array, sigStage15: Float32Array;
 * const t = compareSignatures(sigStage2, sigStage15);
 * ```
 */
export function compareSignatures(after: Float32Array, before: Float32Array): Float32Array {
  if (after.length !== SIGNATURE_SIZE || before.length !== SIGNATURE_SIZE) {
    throw new RangeError(
      `Cannot compare signatures: lengths ${after.length} and ${before.length}, expected ${SIGNATURE_SIZE}`,
    );
  }
  const g = SIGNATURE_GRID, g2 = g * g;
  const out = new Float32Array(TRANSITION_SIZE);
  // Global mean shift per channel.
  const shift = [0, 0, 0];
  const meanA = [0, 0, 0], meanB = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let sa = 0, sb = 0;
    for (let i = 0; i < g2; i++) {
      sa += after[c * g2 + i]!;
      sb += before[c * g2 + i]!;
    }
    meanA[c] = sa / g2;
    meanB[c] = sb / g2;
    shift[c] = meanA[c]! - meanB[c]!;
  }
  const lumaA = 0.299 * meanA[0]! + 0.587 * meanA[1]! + 0.114 * meanA[2]!;
  const lumaB = 0.299 * meanB[0]! + 0.587 * meanB[1]! + 0.114 * meanB[2]!;
  const logRatio = [0, 1, 2].map((c) => Math.log((meanA[c]! + EPS) / (meanB[c]! + EPS)));
  const lr = (logRatio[0]! + logRatio[1]! + logRatio[2]!) / 3;
  let o = 0;
  out[o++] = shift[0]!;
  out[o++] = shift[1]!;
  out[o++] = shift[2]!;
  out[o++] = Math.hypot(shift[0]!, shift[1]!, shift[2]!);
  out[o++] = Math.hypot(logRatio[0]! - lr, logRatio[1]! - lr, logRatio[2]! - lr);
  // Column-wise colour shift spread (gradient casts move one side more than the other).
  const colShift = new Float32Array(g);
  for (let x = 0; x < g; x++) {
    let s = 0;
    for (let c = 0; c < 3; c++) {
      let d = 0;
      for (let y = 0; y < g; y++) d += after[c * g2 + y * g + x]! - before[c * g2 + y * g + x]!;
      s += Math.abs(d / g - shift[c]!);
    }
    colShift[x] = s / 3;
  }
  out[o++] = stats(colShift).mean;
  // Residual after the global shift, summed over channels.
  const resid = new Float32Array(g2);
  for (let i = 0; i < g2; i++) {
    let s = 0;
    for (let c = 0; c < 3; c++) s += Math.abs(after[c * g2 + i]! - before[c * g2 + i]! - shift[c]!);
    resid[i] = s / 3;
  }
  const rs = Float32Array.from(resid).sort();
  const rPeak = Math.max(0, maxOf(smooth3(resid, g)));
  const rMedian = quantile(rs, 0.5);
  out[o++] = stats(resid).mean;
  out[o++] = quantile(rs, 0.9);
  out[o++] = rs[rs.length - 1]!;
  out[o++] = rPeak;
  out[o++] = rPeak / (rMedian + 0.01);
  // Detail log ratio.
  const detail = new Float32Array(g2);
  for (let i = 0; i < g2; i++) {
    detail[i] = Math.log((after[3 * g2 + i]! + EPS) / (before[3 * g2 + i]! + EPS));
  }
  const ds = Float32Array.from(detail).sort();
  const dMedian = quantile(ds, 0.5);
  const dSmooth = smooth3(detail, g);
  let dMin = Infinity, dMax = -Infinity;
  for (let i = 0; i < dSmooth.length; i++) {
    const v = dSmooth[i]!;
    if (v < dMin) dMin = v;
    if (v > dMax) dMax = v;
  }
  out[o++] = dMedian;
  out[o++] = dMedian - dMin;
  out[o++] = dMax - dMedian;
  out[o++] = stats(detail).sd;
  // Highlights.
  const hl = new Float32Array(g2);
  for (let i = 0; i < g2; i++) hl[i] = after[4 * g2 + i]! - before[4 * g2 + i]!;
  out[o++] = stats(hl).mean;
  out[o++] = Math.max(0, maxOf(smooth3(hl, g)));
  // Tone.
  out[o++] = lumaA - lumaB;
  out[o++] = Math.log((toneSd(after) + EPS) / (toneSd(before) + EPS));
  out[o++] = Math.log((saturation(after) + EPS) / (saturation(before) + EPS));
  // Native tiles (zeros when either image has none: the ratios are then 0).
  const nd: number[] = [], ne: number[] = [];
  for (let k = 0; k < NATIVE_TILES; k++) {
    const a = after[NATIVE_OFFSET + k]!, b = before[NATIVE_OFFSET + k]!;
    if (a === 0 || b === 0) continue;
    nd.push(Math.log((a + EPS) / (b + EPS)));
    ne.push(
      Math.log(
        (after[NATIVE_OFFSET + NATIVE_TILES + k]! + EPS) /
          (before[NATIVE_OFFSET + NATIVE_TILES + k]! + EPS),
      ),
    );
  }
  const ndSorted = Float32Array.from(nd).sort(), neSorted = Float32Array.from(ne).sort();
  const ndMedian = quantile(ndSorted, 0.5);
  out[o++] = ndMedian;
  out[o++] = nd.length ? ndMedian - ndSorted[0]! : 0;
  out[o++] = quantile(neSorted, 0.5);
  const fitted = smooth3(detailCurveResidual(after, before), g);
  out[o++] = Math.max(0, -minOf(fitted));
  out[o++] = Math.max(0, maxOf(fitted));
  return out;
}

function minOf(v: Float32Array): number {
  let m = Infinity;
  for (let i = 0; i < v.length; i++) if (v[i]! < m) m = v[i]!;
  return m;
}

/**
 * Per cell: log detail after minus the least-squares line through (log detail before, log
 * detail after) over all cells; slope 1 when the cells before barely differ.
 */
function detailCurveResidual(after: Float32Array, before: Float32Array): Float32Array {
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID, d = 3 * g2;
  const x = new Float64Array(g2), y = new Float64Array(g2);
  let mx = 0, my = 0;
  for (let i = 0; i < g2; i++) {
    x[i] = Math.log(before[d + i]! + EPS);
    y[i] = Math.log(after[d + i]! + EPS);
    mx += x[i]! / g2;
    my += y[i]! / g2;
  }
  let sxx = 0, sxy = 0;
  for (let i = 0; i < g2; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const slope = sxx > 1e-6 * g2 ? sxy / sxx : 1;
  const out = new Float32Array(g2);
  for (let i = 0; i < g2; i++) out[i] = y[i]! - my - slope * (x[i]! - mx);
  return out;
}

function toneSd(sig: Float32Array): number {
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  const l = new Float32Array(g2);
  for (let i = 0; i < g2; i++) {
    l[i] = 0.299 * sig[i]! + 0.587 * sig[g2 + i]! + 0.114 * sig[2 * g2 + i]!;
  }
  return stats(l).sd;
}

function saturation(sig: Float32Array): number {
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  let s = 0;
  for (let i = 0; i < g2; i++) {
    const r = sig[i]!, gg = sig[g2 + i]!, b = sig[2 * g2 + i]!;
    s += Math.max(r, gg, b) - Math.min(r, gg, b);
  }
  return s / g2;
}
