/**
 * The crop execution primitive: write a NEW file holding a normalised box of
 * a source image. Never overwrites anything, never the source.
 *
 * @module
 */
import { resolve } from "node:path";
import type { Box } from "../types.ts";
import { extractEncoded, probeOriented } from "./_sharp.ts";
import { readImageBytes } from "./decode_once.ts";

/** Result of {@linkcode cropToNewFile}. */
export interface CropResult {
  dest: string;
  /** Pixel region taken from the (oriented) source. */
  region: { left: number; top: number; width: number; height: number };
  /** Source dimensions. */
  sourceWidth: number;
  sourceHeight: number;
  format: string;
}

/** Options for {@linkcode cropToNewFile}. */
export interface CropToNewFileOptions {
  /** Refuse crops smaller than this many pixels on a side. */
  minSide?: number;
  /** The source's bytes, already read (and verified) by the caller; `src` is then not read. */
  bytes?: Uint8Array | null;
  /** Refuse sources with more pixels than this (keeper's decode limit), naming the file. */
  maxPixels?: number;
}

/** keeper's pixel limit for images it decodes (the default of lib/image's readers). */
export const MAX_PIXELS = 100_000_000;

const defaults = {
  minSide: 1,
  bytes: null,
  maxPixels: MAX_PIXELS,
} satisfies Required<CropToNewFileOptions>;

/**
 * Pixel region of a normalised box (edges rounded to the nearest pixel).
 *
 * @param box `[x1, y1, x2, y2]` in [0, 1].
 * @param size Image width and height.
 * @returns Left, top, width, height.
 * @example
 * ```ts
 * boxToPixels([0, 0, 0.5, 1], { width: 100, height: 50 }); // { left: 0, top: 0, width: 50, height: 50 }
 * ```
 */
export function boxToPixels(
  box: Box,
  size: { width: number; height: number },
): { left: number; top: number; width: number; height: number } {
  const [x1, y1, x2, y2] = box;
  const ok = [x1, y1, x2, y2].every((v) => Number.isFinite(v) && v >= 0 && v <= 1) &&
    x1 < x2 && y1 < y2;
  if (!ok) throw new RangeError(`Cannot crop: box ${JSON.stringify(box)} is not normalised`);
  const left = Math.round(x1 * size.width);
  const top = Math.round(y1 * size.height);
  const right = Math.round(x2 * size.width);
  const bottom = Math.round(y2 * size.height);
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * Crop encoded image bytes to a normalised box, in memory (the same bytes
 * {@linkcode cropToNewFile} writes).
 *
 * @param bytes Encoded source image.
 * @param box Normalised `[x1, y1, x2, y2]`.
 * @param options Minimum side, pixel limit, and a name for messages.
 * @returns Source size, pixel region and the encoded crop.
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * const { out } = await cropEncoded(bytes, [0, 0, 0.5, 0.5]);
 * ```
 */
export async function cropEncoded(
  bytes: Uint8Array,
  box: Box,
  options: { minSide?: number; maxPixels?: number; name?: string } = {},
): Promise<{
  head: { width: number; height: number };
  region: CropResult["region"];
  out: { bytes: Uint8Array; format: string };
}> {
  const minSide = options.minSide ?? defaults.minSide;
  const maxPixels = options.maxPixels ?? defaults.maxPixels;
  const name = options.name ?? "<bytes>";
  const head = await probeOriented(bytes);
  if (head.width * head.height > maxPixels) {
    throw new RangeError(
      `Cannot crop "${name}": ${head.width}x${head.height} exceeds keeper's pixel limit ` +
        `(${maxPixels} pixels)`,
    );
  }
  const region = boxToPixels(box, head);
  region.width = Math.min(region.width, head.width - region.left);
  region.height = Math.min(region.height, head.height - region.top);
  if (region.width < minSide || region.height < minSide) {
    throw new RangeError(
      `Cannot crop "${name}": region ${region.width}x${region.height} is below ${minSide} px`,
    );
  }
  return { head, region, out: await extractEncoded(bytes, region) };
}

/**
 * Crop `src` to a normalised box and write the result to `dest`, a path that
 * must not exist yet (checked atomically with create-new). The source is
 * only read.
 *
 * @param src Source image.
 * @param dest New file to create (same format as the source).
 * @param box Normalised `[x1, y1, x2, y2]`.
 * @param options Minimum crop side.
 * @returns What was written.
 * @example
 * ```ts
 * await cropToNewFile("a.png", "a_crop.png", [0.1, 0.1, 0.9, 0.9]);
 * ```
 */
export async function cropToNewFile(
  src: string,
  dest: string,
  box: Box,
  options: CropToNewFileOptions = {},
): Promise<CropResult> {
  const opts = { ...defaults, ...options };
  if (resolve(src) === resolve(dest)) {
    throw new Deno.errors.AlreadyExists(`Cannot crop: destination "${dest}" is the source`);
  }
  const bytes = opts.bytes ?? await readImageBytes(src);
  const { head, region, out } = await cropEncoded(bytes, box, { ...opts, name: src });
  // createNew fails if anything (file, link, directory) already has this name.
  const file = await Deno.open(dest, { write: true, createNew: true });
  try {
    let off = 0;
    while (off < out.bytes.length) off += await file.write(out.bytes.subarray(off));
  } finally {
    file.close();
  }
  return {
    dest,
    region,
    sourceWidth: head.width,
    sourceHeight: head.height,
    format: out.format,
  };
}
