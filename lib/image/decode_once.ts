/**
 * One read + one decode of an image file, and every per-image product derived
 * from it: sha256 of the bytes, pHash, a small working image (features,
 * thumbnail), native-resolution tiles (sharpness, noise, artefacts) and the
 * encoder's input square (exact CLIP geometry).
 *
 * @module
 */
import { join } from "node:path";
import { decodeToRgb, type RawImage, resizeRaw, writeJpeg } from "./_sharp.ts";
import { PixelBuffer } from "./_vips.ts";
import { clipPlan } from "./clip_plan.ts";
import {
  classifyDecoderMessage,
  ImageReadError,
  isVisiblyTruncated,
  sniffImageFormat,
} from "./image_read_error.ts";
import { grey32, phashFromGrey32 } from "./phash.ts";
import { sha256Hex, writeFileAtomic } from "../fs/mod.ts";

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
  /** RGB, shortest side = `workSide` (CLIP's resize geometry, before the crop). */
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
  /** Shortest side of the working image (features, pHash, thumbnail). When it equals
   * `clipSize` one resize serves both, and the encoder square is its centre crop. */
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
  /** Reusable read buffer (see {@linkcode ReadBuffer}). */
  reader?: ReadBuffer;
}

const defaults = {
  maxPixels: 100_000_000,
  clipSize: 224,
  workSide: 224,
  grid: 3,
  tileSide: 96,
  thumbnailDir: null,
} satisfies Omit<Required<DecodeOnceOptions>, "bytes" | "sha256" | "reader">;

/**
 * Read a file's bytes with typed failures (missing, unreadable, directory,
 * symlink loop, empty).
 *
 * @param path The file.
 * @param reader Optional reusable buffer (avoids a fresh allocation per file).
 * @returns The bytes (a view into `reader`'s buffer when given: valid until its next read).
 * @example
 * ```ts
 * const bytes = await readImageBytes("a.png");
 * ```
 */
export async function readImageBytes(path: string, reader?: ReadBuffer): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = reader ? await reader.read(path) : await Deno.readFile(path);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    const reason = /directory/i.test(msg) ? "not_a_file" : "unreadable";
    throw new ImageReadError(path, reason, msg, { cause: error });
  }
  if (bytes.length === 0) throw new ImageReadError(path, "zero_byte", "file is empty");
  return bytes;
}

/**
 * A growable read buffer reused across files, with a reused destination for
 * the full-resolution decode (`pixels`): fresh multi-megabyte allocations
 * (page faults) cost as much as a PNG decode on small VMs. One per
 * concurrent worker; each read invalidates the previous view.
 *
 * @example
 * ```ts
 * const rb = new ReadBuffer();
 * const bytes = await rb.read("a.png");
 * ```
 */
export class ReadBuffer {
  #buf = new Uint8Array(1 << 20);
  /** Where `decodeOnce` decodes full-resolution pixels (reused, see {@linkcode PixelBuffer}). */
  readonly pixels: PixelBuffer = new PixelBuffer();

  /**
   * Read a whole file into the buffer.
   *
   * @param path The file.
   * @returns A view of the file's bytes.
   */
  async read(path: string): Promise<Uint8Array> {
    using file = await Deno.open(path, { read: true });
    const info = await file.stat();
    if (info.isDirectory) throw new Error(`Is a directory: "${path}"`);
    let size = 0;
    for (;;) {
      if (size === this.#buf.length || this.#buf.length < info.size + 1) {
        const next = new Uint8Array(Math.max(this.#buf.length * 2, info.size + (1 << 16)));
        next.set(this.#buf.subarray(0, size));
        this.#buf = next;
      }
      const n = await file.read(this.#buf.subarray(size));
      if (n === null) break;
      size += n;
    }
    return this.#buf.subarray(0, size);
  }
}

/**
 * Check the bytes look like a complete image within the pixel limit, without
 * decoding (other formats' pixel limit is enforced by the decoder itself).
 */
function checkHeader(path: string, bytes: Uint8Array, maxPixels: number): void {
  const format = sniffImageFormat(bytes);
  if (format === null) {
    throw new ImageReadError(path, "not_an_image", "no known image signature");
  }
  if (isVisiblyTruncated(bytes, format)) {
    throw new ImageReadError(path, "truncated", `${format} end marker missing`);
  }
  if (format === "png" && bytes.length >= 24) {
    // IHDR width/height: reject decompression bombs before any decoder runs.
    const dv = new DataView(bytes.buffer, bytes.byteOffset, 24);
    const w = dv.getUint32(16);
    const h = dv.getUint32(20);
    if (w * h > maxPixels) {
      throw new ImageReadError(path, "too_many_pixels", `${w}x${h} exceeds ${maxPixels} pixels`);
    }
  }
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
 * declare const rgb: Parameters<typeof gridTiles>[0];
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
  const bytes = options.bytes ?? await readImageBytes(path, options.reader);
  if (bytes.length === 0) throw new ImageReadError(path, "zero_byte", "file is empty");
  checkHeader(path, bytes, opts.maxPixels);
  const sha256 = options.sha256 ?? sha256Hex(bytes);
  let full: RawImage;
  try {
    // Full pixels only feed the tiles and the work resize below, so a reused buffer will do.
    full = await decodeToRgb(bytes, {
      maxPixels: opts.maxPixels,
      into: options.reader?.pixels ?? new PixelBuffer(),
    });
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    throw new ImageReadError(path, classifyDecoderMessage(msg), msg, { cause: error });
  }
  const workP = clipPlan(full.width, full.height, opts.workSide);
  const work = await resizeRaw(full, { width: workP.width, height: workP.height, kernel: "cubic" });
  let clip: RawImage | null = null;
  if (opts.clipSize === opts.workSide) {
    clip = extractTile(work, workP.left, workP.top, workP.size, workP.size);
  } else if (opts.clipSize !== null) {
    const p = clipPlan(full.width, full.height, opts.clipSize);
    const resized = await resizeRaw(full, { width: p.width, height: p.height, kernel: "cubic" });
    clip = extractTile(resized, p.left, p.top, p.size, p.size);
  }
  const tiles = gridTiles(full, opts.grid, opts.tileSide);
  const phash = phashFromGrey32(grey32(work.data, work));
  let thumbnailPath: string | null = null;
  if (opts.thumbnailDir !== null) {
    // Same name as thumbnail() gives (content hash + shortest side).
    thumbnailPath = join(opts.thumbnailDir, `${sha256}_${opts.workSide}.jpg`);
    await writeFileAtomic(thumbnailPath, (tmp) => writeJpeg(work, tmp, 80), { mkdir: false });
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
