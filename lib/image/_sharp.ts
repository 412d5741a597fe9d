/**
 * The only module that imports sharp. Exposes our own small types
 * (`RawImage`: bytes + dims), never `Sharp`.
 *
 * @module
 */
import sharp from "sharp";
import {
  decodePngInto,
  type PixelBuffer,
  useLoadedVips,
  vipsJpegSave,
  vipsResize,
} from "./_vips.ts";
import type { RawImage } from "./raw_image.ts";

export type { RawImage };

useLoadedVips(sharp.versions.vips);

/** Wrap sharp's raw output buffer and info as our `RawImage` (no copy). */
function toRaw(
  data: Uint8Array,
  info: { width: number; height: number; channels: number },
): RawImage {
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: info.channels as 1 | 3 | 4,
  };
}

/** Options for {@linkcode readRaw}. */
export interface ReadRawOptions {
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels?: number;
  /** Output channels: 3 drops alpha (flattened on black), 1 converts to grey, 4 keeps alpha. */
  channels?: 1 | 3 | 4;
  /** Resize to fit inside this box (fit: fill = exact size) before returning. */
  resize?: { width: number; height: number; fit?: "fill" | "inside" | "cover"; kernel?: Kernel };
}

/** Resampling kernels. */
export type Kernel = "nearest" | "linear" | "cubic" | "lanczos3";

const readDefaults = {
  maxPixels: 100_000_000,
  channels: 3,
} satisfies ReadRawOptions;

/**
 * Decode an image file or buffer (EXIF orientation applied) into raw pixels.
 *
 * @param input A path or encoded bytes.
 * @param options Pixel limit, channels, optional resize.
 * @returns Raw pixels.
 * @example
 * ```ts
 * const img = await readRaw("photo.png", { channels: 3 });
 * ```
 */
export async function readRaw(
  input: string | Uint8Array,
  options: ReadRawOptions = {},
): Promise<RawImage> {
  const opts = { ...readDefaults, ...options };
  let pipe = sharp(input, { limitInputPixels: opts.maxPixels }).rotate();
  if (opts.channels === 1) pipe = pipe.grayscale();
  else if (opts.channels === 4) pipe = pipe.ensureAlpha();
  else pipe = pipe.removeAlpha();
  if (opts.resize) {
    pipe = pipe.resize(opts.resize.width, opts.resize.height, {
      fit: opts.resize.fit ?? "fill",
      kernel: opts.resize.kernel ?? "lanczos3",
    });
  }
  const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  return toRaw(data, info);
}

/** Options for {@linkcode encodeRaw}. */
export interface EncodeOptions {
  format?: "png" | "jpeg";
  /** JPEG quality 1-100. */
  quality?: number;
  /** PNG zlib level 0-9 (lower is faster). */
  compressionLevel?: number;
}

const encodeDefaults = {
  format: "png",
  quality: 90,
  compressionLevel: 6,
} satisfies Required<EncodeOptions>;

/**
 * Encode raw pixels as PNG or JPEG bytes.
 *
 * @param image Raw pixels.
 * @param options Format and quality.
 * @returns Encoded bytes.
 * @example
 * ```ts
 * const png = await encodeRaw({ data: new Uint8Array(12), width: 2, height: 2, channels: 3 });
 * ```
 */
export async function encodeRaw(image: RawImage, options: EncodeOptions = {}): Promise<Uint8Array> {
  const opts = { ...encodeDefaults, ...options };
  let pipe = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  pipe = opts.format === "jpeg"
    ? pipe.jpeg({ quality: opts.quality })
    : pipe.png({ compressionLevel: opts.compressionLevel });
  const buf = await pipe.toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Resize raw pixels to exactly `width` × `height`.
 *
 * @param image Raw pixels.
 * @param size Target size and kernel.
 * @returns Resized raw pixels.
 * @example
 * ```ts
 * declare const img: RawImage;
 * const small = await resizeRaw(img, { width: 64, height: 64 });
 * ```
 */
export async function resizeRaw(
  image: RawImage,
  size: { width: number; height: number; kernel?: Kernel },
): Promise<RawImage> {
  const kernel = size.kernel ?? "lanczos3";
  if (image.channels === 3) {
    // The same vips_resize call sharp makes (tested identical), minus its per-call overhead
    // (sharp turns grey into RGB and premultiplies alpha: those stay with sharp).
    const fast = await vipsResize(image, { width: size.width, height: size.height, kernel });
    if (fast) return fast;
  }
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  }).resize(size.width, size.height, { fit: "fill", kernel })
    .raw().toBuffer({ resolveWithObject: true });
  return toRaw(data, info);
}

/**
 * Encode raw pixels as a JPEG file (what `encodeRaw(…, { format: "jpeg" })`
 * then a write gives, byte for byte, written by libvips directly when it can).
 *
 * @param image Raw pixels.
 * @param path File to create or overwrite.
 * @param quality JPEG quality 1-100.
 * @example
 * ```ts
 * declare const img: RawImage;
 * await writeJpeg(img, "thumb.jpg", 80);
 * ```
 */
export async function writeJpeg(image: RawImage, path: string, quality: number): Promise<void> {
  if (await vipsJpegSave(image, path, quality)) return;
  await Deno.writeFile(path, await encodeRaw(image, { format: "jpeg", quality }));
}

/**
 * Read width/height from the header without decoding pixels.
 *
 * @param input A path or encoded bytes.
 * @returns Dimensions and format.
 * @example
 * ```ts
 * const { width, height } = await probe("photo.png");
 * ```
 */
export async function probe(
  input: string | Uint8Array,
): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(input, { limitInputPixels: false }).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? "unknown" };
}

let decodeCounter = 0;

/**
 * How many full decodes {@linkcode decodeToRgb} has performed in this process
 * (tests use it to prove "one decode per file per run, none when cached").
 *
 * @returns The running count.
 * @example
 * ```ts
 * const before = decodeCount();
 * ```
 */
export function decodeCount(): number {
  return decodeCounter;
}

/** Options for {@linkcode decodeToRgb}. */
export interface DecodeToRgbOptions {
  /** Refuse images with more pixels than this (checked from the header before decoding). */
  maxPixels?: number;
  /** Decode into this reused buffer where possible (plain 8-bit RGB PNGs, see `_vips.ts`):
   * the result then views its memory and is valid only until the next decode into it. */
  into?: PixelBuffer;
}

/**
 * Decode encoded bytes at full resolution into 8-bit sRGB (EXIF orientation
 * applied; grey, 16-bit, CMYK converted; alpha dropped). Throws sharp's error
 * unchanged: callers classify it (see `classifyDecodeError`).
 *
 * @param bytes Encoded image bytes.
 * @param options Pixel limit.
 * @returns RGB pixels.
 * @example
 * ```ts
 * const rgb = await decodeToRgb(await Deno.readFile("a.png"));
 * ```
 */
export async function decodeToRgb(
  bytes: Uint8Array,
  options: DecodeToRgbOptions = {},
): Promise<RawImage> {
  const maxPixels = options.maxPixels ?? readDefaults.maxPixels;
  decodeCounter++;
  if (options.into) {
    // Same pixels as the sharp pipeline below (tested), without its two full-size allocations.
    const fast = await decodePngInto(bytes, options.into, maxPixels);
    if (fast) return fast;
  }
  const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: "error" })
    .rotate()
    .toColourspace("srgb")
    .removeAlpha()
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  return toRaw(data, info);
}

/**
 * Resize raw pixels so the image fits inside `maxSide` × `maxSide` (aspect
 * kept, never enlarged).
 *
 * @param image Raw pixels.
 * @param maxSide Longest side of the result.
 * @returns Resized raw pixels.
 * @example
 * ```ts
 * declare const img: RawImage;
 * const small = await resizeInside(img, 256);
 * ```
 */
export async function resizeInside(image: RawImage, maxSide: number): Promise<RawImage> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  }).resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true, kernel: "lanczos3" })
    .raw().toBuffer({ resolveWithObject: true });
  return toRaw(data, info);
}

/**
 * Resize to exactly `width` × `height` with a cubic (Catmull-Rom, antialiased
 * when shrinking, like PIL's BICUBIC) kernel, then extract a region.
 *
 * @param image Raw pixels.
 * @param plan Resize size and the region to keep.
 * @returns The extracted region.
 * @example
 * ```ts
 * declare const img: RawImage;
 * const crop = await resizeCubicExtract(img, { width: 298, height: 224, left: 37, top: 0, size: 224 });
 * ```
 */
export async function resizeCubicExtract(
  image: RawImage,
  plan: { width: number; height: number; left: number; top: number; size: number },
): Promise<RawImage> {
  let pipe = sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
  if (plan.width !== image.width || plan.height !== image.height) {
    pipe = pipe.resize(plan.width, plan.height, { fit: "fill", kernel: "cubic" });
  }
  const { data, info } = await pipe
    .extract({ left: plan.left, top: plan.top, width: plan.size, height: plan.size })
    .raw().toBuffer({ resolveWithObject: true });
  return toRaw(data, info);
}

/**
 * Decode, crop a pixel region and encode in the source's format (PNG stays
 * PNG, JPEG stays JPEG at high quality); metadata other than orientation is
 * not copied.
 *
 * @param bytes Encoded source bytes.
 * @param region Pixel region in the oriented image.
 * @returns Encoded bytes and the format written.
 * @example
 * ```ts
 * declare const src: Uint8Array;
 * const { bytes } = await extractEncoded(src, { left: 0, top: 0, width: 10, height: 10 });
 * ```
 */
export async function extractEncoded(
  bytes: Uint8Array,
  region: { left: number; top: number; width: number; height: number },
): Promise<{ bytes: Uint8Array; format: string }> {
  const meta = await sharp(bytes).metadata();
  const format = meta.format === "jpeg" ? "jpeg" : meta.format === "webp" ? "webp" : "png";
  let pipe = sharp(bytes, { limitInputPixels: false }).rotate().extract(region);
  pipe = format === "jpeg"
    ? pipe.jpeg({ quality: 95 })
    : format === "webp"
    ? pipe.webp({ quality: 95 })
    : pipe.png({ compressionLevel: 6 });
  const buf = await pipe.toBuffer();
  return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), format };
}

/**
 * Oriented dimensions from the header (EXIF orientation 5-8 swaps them).
 *
 * @param bytes Encoded bytes.
 * @returns Width, height, format and whether the header was readable.
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * const { width } = await probeOriented(bytes);
 * ```
 */
export async function probeOriented(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; format: string }> {
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const w = meta.width ?? 0;
  const h = meta.height ?? 0;
  return { width: swap ? h : w, height: swap ? w : h, format: meta.format ?? "unknown" };
}

/**
 * Hash an image the way npm `sharp-phash` does (reference for agreement tests
 * and the `phash` benchmark): returns its 64-character bit string.
 *
 * @param input A path or encoded bytes.
 * @returns 64 characters of "0"/"1".
 * @example
 * ```ts
 * const bits = await referencePhash("a.png");
 * ```
 */
export async function referencePhash(input: string | Uint8Array): Promise<string> {
  const mod = await import("sharp-phash");
  const fn = ((mod as { default?: unknown }).default ?? mod) as unknown as (
    i: string | Uint8Array,
  ) => Promise<string>;
  return await fn(input);
}

/**
 * Bare decode + 224² resize of a file (the baseline the `decode_bound` bench
 * compares against).
 *
 * @param input Image file or its bytes.
 * @param size Output side.
 * @returns Raw bytes length (to keep the work observable).
 * @example
 * ```ts
 * await bareDecodeResize("a.png", 224);
 * ```
 */
export async function bareDecodeResize(input: string | Uint8Array, size: number): Promise<number> {
  const buf = await sharp(input).rotate().resize(size, size, { fit: "cover", kernel: "cubic" })
    .raw().toBuffer();
  return buf.length;
}

/**
 * Decode an image and return only a region of it, as raw pixels (the
 * `decode_bound` bench's "decode alone" floor: a region at the bottom makes
 * a sequential decoder run through the whole file while almost nothing is
 * handed to JS).
 *
 * @param bytes Encoded bytes.
 * @param region Pixel region of the oriented image.
 * @returns Raw bytes length.
 * @example
 * ```ts
 * declare const bytes: Uint8Array;
 * await decodeRegion(bytes, { left: 0, top: 1014, width: 1024, height: 10 });
 * ```
 */
export async function decodeRegion(
  bytes: Uint8Array,
  region: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const buf = await sharp(bytes).rotate().extract(region).raw().toBuffer();
  return buf.length;
}
