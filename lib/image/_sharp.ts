/**
 * The only module that imports sharp. Exposes our own small types
 * (`RawImage`: bytes + dims), never `Sharp`.
 *
 * @module
 */
import sharp from "sharp";

/** Decoded pixels, interleaved, 8-bit. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
}

/** Options for {@linkcode readRaw}. */
export interface ReadRawOptions {
  /** Refuse images with more pixels than this (decompression bombs). */
  maxPixels?: number;
  /** Output channels: 3 drops alpha (flattened on black), 1 converts to grey. */
  channels?: 1 | 3;
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
  else pipe = pipe.removeAlpha();
  if (opts.resize) {
    pipe = pipe.resize(opts.resize.width, opts.resize.height, {
      fit: opts.resize.fit ?? "fill",
      kernel: opts.resize.kernel ?? "lanczos3",
    });
  }
  const { data, info } = await pipe.raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: info.channels as 1 | 3 | 4,
  };
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
 * const small = await resizeRaw(img, { width: 64, height: 64 });
 * ```
 */
export async function resizeRaw(
  image: RawImage,
  size: { width: number; height: number; kernel?: Kernel },
): Promise<RawImage> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  }).resize(size.width, size.height, { fit: "fill", kernel: size.kernel ?? "lanczos3" })
    .raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    channels: info.channels as 1 | 3 | 4,
  };
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
