/**
 * Crop bytes in memory through lib/image (`readRaw` + `encodeRaw`); the
 * executor writes them as a new file. The source is never touched.
 *
 * @module
 */
import { encodeRaw, readRaw } from "../image/mod.ts";
import type { Box } from "../types.ts";

/** Pixel rectangle of a normalised box on a `width` × `height` image (at least 1 px). */
export function boxToPixels(
  box: Box,
  width: number,
  height: number,
): { left: number; top: number; width: number; height: number } {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const left = clamp(Math.floor(box[0] * width), width - 1);
  const top = clamp(Math.floor(box[1] * height), height - 1);
  const right = clamp(Math.ceil(box[2] * width), width);
  const bottom = clamp(Math.ceil(box[3] * height), height);
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/** Encoded bytes of `src` cropped to `box` (PNG, or JPEG for .jpg/.jpeg). */
export async function cropBytes(src: string, box: Box): Promise<Uint8Array> {
  const img = await readRaw(src, { channels: 3 });
  const r = boxToPixels(box, img.width, img.height);
  const ch = img.channels;
  const out = new Uint8Array(r.width * r.height * ch);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.top + y) * img.width + r.left) * ch;
    out.set(img.data.subarray(from, from + r.width * ch), y * r.width * ch);
  }
  const jpeg = /\.jpe?g$/i.test(src);
  return await encodeRaw(
    { data: out, width: r.width, height: r.height, channels: ch },
    { format: jpeg ? "jpeg" : "png" },
  );
}
