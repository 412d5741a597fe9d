/**
 * One read + one decode of an image file, and every per-image product derived
 * from it: sha256 of the bytes, pHash, a small working image (features,
 * thumbnail), native-resolution tiles (sharpness, noise, artefacts) and the
 * encoder's input square (exact CLIP geometry).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  decodeToRgb,
  encodeRaw,
  probeOriented,
  type RawImage,
  resizeCubicExtract,
  resizeInside,
} from "./_sharp.ts";
import { clipPlan } from "./clip_plan.ts";
import {
  classifyDecoderMessage,
  ImageReadError,
  isVisiblyTruncated,
  sniffImageFormat,
} from "./image_read_error.ts";
import { grey32, phashFromGrey32 } from "./phash.ts";

/** A native-resolution tile and where it sits (grid row/column). */
export interface Tile {
  image: RawImage;
  row: number;
  col: number;
  /** Top-left corner in the full image (for 8×8 block phase). */
  x: number;
  y: number;
}

/** What one decode yields. */
export interface DecodedImage {
  path: string;
  sha256: string;
  byteLength: number;
  /** Oriented dimensions. */
  width: number;
  height: number;
  phash: [number, number];
  /** RGB, longest side ≤ `workSide`. */
  work: RawImage;
  /** `grid` × `grid` native-resolution RGB tiles, row-major (centre = middle). */
  tiles: Tile[];
  /** RGB `clipSize`² square (CLIP geometry), or null when not requested. */
  clip: RawImage | null;
  /** Path of the written thumbnail, or null. */
  thumbnailPath: string | null;
}

/** Options for {@linkcode decodeOnce}. */
export interface DecodeOnceOptions {
  /** Refuse images with more pixels than this. */
  maxPixels?: number;
  /** Side of the encoder input square; null = no encoder input. */
  clipSize?: number | null;
  /** Longest side of the working image. */
  workSide?: number;
  /** Tiles per side of the native-resolution grid. */
  grid?: number;
  /** Side of each native-resolution tile (clamped to the image). */
  tileSide?: number;
  /** Write a JPEG thumbnail (the working image) into this folder as `<sha256>_<side>.jpg`. */
  thumbnailDir?: string | null;
  /** Precomputed bytes (skip the read; used by callers that already hold them). */
  bytes?: Uint8Array;
  /** Precomputed sha256 of `bytes` (skip hashing). */
  sha256?: string;
}

const defaults = {
  maxPixels: 100_000_000,
  clipSize: 224,
  workSide: 384,
  grid: 3,
  tileSide: 128,
  thumbnailDir: null,
} satisfies Omit<Required<DecodeOnceOptions>, "bytes" | "sha256">;

/**
 * Read a file's bytes with typed failures (missing, unreadable, directory,
 * symlink loop, empty).
 *
 * @param path The file.
 * @returns The bytes.
 * @example
 * ```ts
 * const bytes = await readImageBytes("a.png");
 * ```
 */
export async function readImageBytes(path: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    const reason = /directory/i.test(msg) ? "not_a_file" : "unreadable";
    throw new ImageReadError(path, reason, msg, { cause: error });
  }
  if (bytes.length === 0) throw new ImageReadError(path, "zero_byte", "file is empty");
  return bytes;
}

/**
 * Check the bytes are a decodable-looking image within the pixel limit,
 * without decoding pixels.
 *
 * @param path The file (for errors).
 * @param bytes Its bytes.
 * @param maxPixels Pixel limit.
 * @returns Oriented width and height.
 */
async function checkHeader(
  path: string,
  bytes: Uint8Array,
  maxPixels: number,
): Promise<{ width: number; height: number }> {
  const format = sniffImageFormat(bytes);
  if (format === null) {
    throw new ImageReadError(path, "not_an_image", "no known image signature");
  }
  if (isVisiblyTruncated(bytes, format)) {
    throw new ImageReadError(path, "truncated", `${format} end marker missing`);
  }
  let head: { width: number; height: number };
  try {
    head = await probeOriented(bytes);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new ImageReadError(path, classifyDecoderMessage(msg), msg, { cause: error });
  }
  if (head.width * head.height > maxPixels) {
    throw new ImageReadError(
      path,
      "too_many_pixels",
      `${head.width}x${head.height} exceeds ${maxPixels} pixels`,
    );
  }
  return head;
}

function extractTile(img: RawImage, x0: number, y0: number, w: number, h: number): RawImage {
  const c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * img.width + x0) * c;
    data.set(img.data.subarray(from, from + w * c), y * w * c);
  }
  return { data, width: w, height: h, channels: img.channels };
}

/**
 * Native-resolution tiles centred in each cell of a `grid` × `grid` layout.
 *
 * @param img Full-resolution pixels.
 * @param grid Cells per side.
 * @param tileSide Tile side (clamped to the cell).
 * @returns Row-major tiles.
 * @example
 * ```ts
 * const tiles = gridTiles(rgb, 3, 128);
 * ```
 */
export function gridTiles(img: RawImage, grid: number, tileSide: number): Tile[] {
  const tiles: Tile[] = [];
  const cw = Math.floor(img.width / grid);
  const ch = Math.floor(img.height / grid);
  const tw = Math.max(1, Math.min(tileSide, cw));
  const th = Math.max(1, Math.min(tileSide, ch));
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const x0 = Math.min(img.width - tw, col * cw + Math.floor((cw - tw) / 2));
      const y0 = Math.min(img.height - th, row * ch + Math.floor((ch - th) / 2));
      const x = Math.max(0, x0);
      const y = Math.max(0, y0);
      tiles.push({ image: extractTile(img, x, y, tw, th), row, col, x, y });
    }
  }
  return tiles;
}

/**
 * Read and decode an image file once and derive every product from that decode.
 *
 * @param path The image file.
 * @param options Products wanted and limits.
 * @returns The products; throws {@linkcode ImageReadError} for unusable files.
 * @example
 * ```ts
 * const d = await decodeOnce("a.png", { clipSize: 224 });
 * console.log(d.sha256, d.phash);
 * ```
 */
export async function decodeOnce(
  path: string,
  options: DecodeOnceOptions = {},
): Promise<DecodedImage> {
  const opts = { ...defaults, ...options };
  const bytes = options.bytes ?? await readImageBytes(path);
  if (bytes.length === 0) throw new ImageReadError(path, "zero_byte", "file is empty");
  await checkHeader(path, bytes, opts.maxPixels);
  const sha256 = options.sha256 ?? createHash("sha256").update(bytes).digest("hex");
  let full: RawImage;
  try {
    full = await decodeToRgb(bytes, { maxPixels: opts.maxPixels });
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new ImageReadError(path, classifyDecoderMessage(msg), msg, { cause: error });
  }
  const clipP = opts.clipSize === null ? null : clipPlan(full.width, full.height, opts.clipSize);
  const [work, clip] = await Promise.all([
    resizeInside(full, opts.workSide),
    clipP === null ? Promise.resolve(null) : resizeCubicExtract(full, clipP),
  ]);
  const tiles = gridTiles(full, opts.grid, opts.tileSide);
  const phash = phashFromGrey32(grey32(work.data, work));
  let thumbnailPath: string | null = null;
  if (opts.thumbnailDir !== null) {
    thumbnailPath = join(opts.thumbnailDir, `${sha256}_${opts.workSide}.jpg`);
    const jpg = await encodeRaw(work, { format: "jpeg", quality: 80 });
    await writeNew(thumbnailPath, jpg);
  }
  return {
    path,
    sha256,
    byteLength: bytes.length,
    width: full.width,
    height: full.height,
    phash,
    work,
    tiles,
    clip,
    thumbnailPath,
  };
}

/** Write via a temp name + rename so readers never see half a file. */
async function writeNew(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  await Deno.writeFile(tmp, bytes);
  await Deno.rename(tmp, path);
}
