/**
 * The pixel blocks this project computes inside lib/embed's one decode and
 * caches by content: `layout` (lib/crop's coarse luma/edge grid, read by the
 * crop proposer) and `signature` (lib/signature, read by the ranker's
 * stage-transition columns). Importing lib/blocks registers both in
 * lib/embed's `PIXEL_BLOCKS`.
 *
 * @module
 */
import { LAYOUT_BLOCK, LAYOUT_GRID, layoutFromGrey } from "../crop/mod.ts";
import { type PixelBlock, registerPixelBlock } from "../embed/mod.ts";
import type { RawImage } from "../image/mod.ts";
import { SIGNATURE_BLOCK, SIGNATURE_VERSION, signatureOf } from "../signature/mod.ts";

/**
 * Area-averaged grey square of an image (aspect ignored), `side × side`.
 *
 * @param img RGB, RGBA or grey.
 * @param side Output side.
 * @returns Row-major grey values 0-255.
 * @example
 * ```ts
 * declare const decoded: { work: Parameters<typeof greySquare>[0] };
 * const grey = greySquare(decoded.work, 32);
 * ```
 */
export function greySquare(img: RawImage, side: number): Uint8Array {
  const { width: w, height: h, channels: ch, data } = img;
  const sum = new Float64Array(side * side), n = new Float64Array(side * side);
  for (let y = 0; y < h; y++) {
    const row = Math.min(side - 1, Math.floor((y * side) / h)) * side;
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * ch;
      const v = ch >= 3 ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! : data[i]!;
      const c = row + Math.min(side - 1, Math.floor((x * side) / w));
      sum[c]! += v;
      n[c]! += 1;
    }
  }
  const out = new Uint8Array(side * side);
  for (let c = 0; c < out.length; c++) out[c] = Math.round(sum[c]! / Math.max(1, n[c]!));
  return out;
}

/** The `layout` block from the one decode's working image. */
export const LAYOUT_PIXEL_BLOCK: PixelBlock = registerPixelBlock({
  name: LAYOUT_BLOCK,
  version: "layout-work-v1",
  compute: (d) => layoutFromGrey(greySquare(d.work, LAYOUT_GRID * 4), LAYOUT_GRID * 4),
});

/** The `signature` block from the one decode's working image. */
export const SIGNATURE_PIXEL_BLOCK: PixelBlock = registerPixelBlock({
  name: SIGNATURE_BLOCK,
  version: SIGNATURE_VERSION,
  compute: (d) => signatureOf(d.work, d.tiles.map((t) => t.image)),
});

/** Pixel blocks by name (the ones lib/blocks owns). */
export const PIXEL_BLOCK_NAMES: readonly string[] = Object.freeze([LAYOUT_BLOCK, SIGNATURE_BLOCK]);

/**
 * The pixel-block objects among feature names (others are ignored).
 *
 * @param names Feature names, e.g. `["builtin", "layout", "signature", "vision"]`.
 * @returns The blocks to hand to `embedFiles({ blocks })`.
 * @example
 * ```ts
 * import { embedFiles } from "../embed/mod.ts";
 * declare const paths: string[], cacheDb: string;
 * await embedFiles(paths, { cacheDb, blocks: pixelBlocksFor(["builtin", "layout"]) });
 * ```
 */
export function pixelBlocksFor(names: readonly string[]): PixelBlock[] {
  const out: PixelBlock[] = [];
  if (names.includes(LAYOUT_BLOCK)) out.push(LAYOUT_PIXEL_BLOCK);
  if (names.includes(SIGNATURE_BLOCK)) out.push(SIGNATURE_PIXEL_BLOCK);
  return out;
}
