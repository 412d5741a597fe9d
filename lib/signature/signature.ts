/**
 * The pixel signature of one image: a coarse, resolution-independent map of
 * what the image looks like, made to compare the stage variants of one group
 * cell by cell. It holds, on a fixed `SIGNATURE_GRID`² grid over the whole
 * frame (aspect ignored: the stages of a group share it):
 *
 * - mean R, G, B of each cell (0..1);
 * - detail: mean absolute Laplacian of luma inside the cell (0..1 scale),
 *   what a smear removes and a sharpener adds;
 * - highlights: share of the cell's pixels with a channel ≥ 250 (blown);
 * - then, from up to `NATIVE_TILES` native-resolution tiles of the decode
 *   (sharpening and smearing live at pixel scale, below what 224 px shows):
 *   mean |Laplacian| of luma (0..1 scale) and the share of strong edges
 *   (|Laplacian| ≥ 48) per tile, zeros when no tiles are given.
 *
 * It is computed from the one decode's working image (shortest side 224)
 * and cached with the other features, so comparing stages never decodes
 * again.
 *
 * @module
 */
import { lumaOf, type RawImage } from "../image/mod.ts";

/** Cells per side. */
export const SIGNATURE_GRID = 32;
/** Version of the computation (part of the cache key). */
export const SIGNATURE_VERSION = "sig2";
/** Native-resolution tiles read (the decode's 3×3 grid). */
export const NATIVE_TILES = 9;
/** Planes of the signature, in order. */
export const SIGNATURE_PLANES: readonly string[] = Object.freeze([
  "r",
  "g",
  "b",
  "detail",
  "highlight",
]);
/** Length of a signature vector. */
export const SIGNATURE_SIZE = SIGNATURE_PLANES.length * SIGNATURE_GRID * SIGNATURE_GRID +
  2 * NATIVE_TILES;
/** Offset of the native-tile values (mean |Laplacian| × tiles, then strong-edge share × tiles). */
export const NATIVE_OFFSET = SIGNATURE_PLANES.length * SIGNATURE_GRID * SIGNATURE_GRID;

/**
 * Signature of an RGB(A) or grey image (any size ≥ 3×3).
 *
 * @param img The working image.
 * @param tiles Native-resolution tiles (row-major grid), if any.
 * @returns `SIGNATURE_SIZE` values, plane-major (`plane * G² + row * G + col`).
 * @example
 * ```ts
 * import type { RawImage } from "../image/mod.ts";
 * declare const decoded: { work: RawImage };
 * const sig = signatureOf(decoded.work);
 * ```
 */
export function signatureOf(img: RawImage, tiles: readonly RawImage[] = []): Float32Array {
  const { width: w, height: h, channels: ch, data } = img;
  if (w < 3 || h < 3) {
    throw new RangeError(`Cannot compute a signature: image is ${w}×${h}, need at least 3×3`);
  }
  const g = SIGNATURE_GRID, g2 = g * g;
  const out = new Float32Array(SIGNATURE_SIZE);
  const count = new Float32Array(g2);
  const cx = new Int32Array(w);
  for (let x = 0; x < w; x++) cx[x] = Math.min(g - 1, Math.floor((x * g) / w));
  for (let y = 0; y < h; y++) {
    const row = Math.min(g - 1, Math.floor((y * g) / h)) * g;
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * ch;
      const r = data[i]!;
      const gg = ch >= 3 ? data[i + 1]! : r;
      const b = ch >= 3 ? data[i + 2]! : r;
      const c = row + cx[x]!;
      out[c]! += r;
      out[g2 + c]! += gg;
      out[2 * g2 + c]! += b;
      if (r >= 250 || gg >= 250 || b >= 250) out[4 * g2 + c]! += 1;
      count[c]! += 1;
    }
  }
  // Detail: |4·p − up − down − left − right| on luma, borders excluded.
  const luma = lumaOf(img);
  const detailCount = new Float32Array(g2);
  for (let y = 1; y < h - 1; y++) {
    const row = Math.min(g - 1, Math.floor((y * g) / h)) * g;
    const o = y * w;
    for (let x = 1; x < w - 1; x++) {
      const p = o + x;
      const lap = 4 * luma[p]! - luma[p - 1]! - luma[p + 1]! - luma[p - w]! - luma[p + w]!;
      const c = row + cx[x]!;
      out[3 * g2 + c]! += Math.abs(lap);
      detailCount[c]! += 1;
    }
  }
  for (let c = 0; c < g2; c++) {
    const n = Math.max(1, count[c]!);
    out[c]! /= 255 * n;
    out[g2 + c]! /= 255 * n;
    out[2 * g2 + c]! /= 255 * n;
    out[4 * g2 + c]! /= n;
    out[3 * g2 + c] = (out[3 * g2 + c]! / Math.max(1, detailCount[c]!)) / 255;
  }
  tiles.slice(0, NATIVE_TILES).forEach((t, k) => {
    const [mean, strong] = tileDetail(t);
    out[NATIVE_OFFSET + k] = mean;
    out[NATIVE_OFFSET + NATIVE_TILES + k] = strong;
  });
  return out;
}

/** Mean |Laplacian| of luma (0..1 scale) and the share of |Laplacian| ≥ 48 in one tile. */
function tileDetail(t: RawImage): [number, number] {
  const { width: w, height: h } = t;
  if (w < 3 || h < 3) return [0, 0];
  const luma = lumaOf(t);
  let sum = 0, strong = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const p = y * w + x;
      const lap = Math.abs(
        4 * luma[p]! - luma[p - 1]! - luma[p + 1]! - luma[p - w]! - luma[p + w]!,
      );
      sum += lap;
      if (lap >= 48) strong++;
      n++;
    }
  }
  return [sum / n / 255, strong / n];
}
