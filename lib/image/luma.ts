/**
 * Luma (Rec. 601) of an RGB(A) or grey image.
 *
 * @module
 */
import type { RawImage } from "./raw_image.ts";

/**
 * Luma (Rec. 601 weights) of every pixel.
 *
 * @param img RGB, RGBA or grey pixels.
 * @returns One value per pixel, 0-255, row-major.
 * @example
 * ```ts
 * declare const decoded: { work: Parameters<typeof lumaOf>[0] };
 * const l = lumaOf(decoded.work);
 * ```
 */
export function lumaOf(img: RawImage): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  const c = img.channels;
  if (c < 3) {
    for (let i = 0; i < n; i++) out[i] = d[i * c]!;
    return out;
  }
  for (let i = 0, j = 0; i < n; i++, j += c) {
    out[i] = 0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]!;
  }
  return out;
}
