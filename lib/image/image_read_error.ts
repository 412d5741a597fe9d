/**
 * Typed failures for reading and decoding image files: each names the path
 * and one machine-readable reason, so a batch run can list them and go on.
 *
 * @module
 */

/** Why an image could not be used. */
export type ImageFailureReason =
  | "zero_byte"
  | "unreadable"
  | "not_a_file"
  | "not_an_image"
  | "unsupported"
  | "truncated"
  | "too_many_pixels"
  | "corrupt";

/**
 * An image that could not be read or decoded.
 *
 * @example
 * ```ts
 * throw new ImageReadError("a.png", "zero_byte", "file is empty");
 * ```
 */
export class ImageReadError extends Error {
  /** The file. */
  readonly path: string;
  /** Machine-readable reason. */
  readonly reason: ImageFailureReason;

  /**
   * @param path The file.
   * @param reason Machine-readable reason.
   * @param detail Human detail (the underlying message).
   * @param options Standard error options (`cause`).
   */
  constructor(path: string, reason: ImageFailureReason, detail: string, options?: ErrorOptions) {
    super(`Cannot decode image "${path}": ${reason} (${detail})`, options);
    this.name = "ImageReadError";
    this.path = path;
    this.reason = reason;
  }
}

/**
 * The container format named by the first bytes, or null when the bytes are
 * not a known image format (e.g. a text file named `.png`).
 *
 * @param bytes File bytes (at least the first 12).
 * @returns Format name or null.
 * @example
 * ```ts
 * sniffImageFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47])); // "png"
 * ```
 */
export function sniffImageFormat(bytes: Uint8Array): string | null {
  const b = (i: number): number => bytes[i] ?? -1;
  const ascii = (from: number, to: number): string =>
    String.fromCharCode(...bytes.subarray(from, to));
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "png";
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "jpeg";
  if (ascii(0, 4) === "GIF8") return "gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return "tiff";
  if (ascii(4, 8) === "ftyp") return "heif";
  if (ascii(0, 2) === "BM") return "bmp";
  return null;
}

/**
 * Whether the bytes of a known format visibly end early (PNG without its
 * IEND chunk, JPEG without its EOI marker).
 *
 * @param bytes File bytes.
 * @param format Sniffed format.
 * @returns True when the end marker is missing.
 * @example
 * ```ts
 * declare const pngBytes: Uint8Array;
 * isVisiblyTruncated(pngBytes.subarray(0, 100), "png"); // true
 * ```
 */
export function isVisiblyTruncated(bytes: Uint8Array, format: string): boolean {
  const n = bytes.length;
  if (format === "png") {
    // IEND chunk: length 0, "IEND", CRC AE 42 60 82; tolerate trailing bytes.
    const tail = bytes.subarray(Math.max(0, n - 64));
    for (let i = tail.length - 8; i >= 0; i--) {
      if (
        tail[i] === 0x49 && tail[i + 1] === 0x45 && tail[i + 2] === 0x4e && tail[i + 3] === 0x44
      ) {
        return false;
      }
    }
    return true;
  }
  if (format === "jpeg") {
    const tail = bytes.subarray(Math.max(0, n - 64));
    for (let i = tail.length - 2; i >= 0; i--) {
      if (tail[i] === 0xff && tail[i + 1] === 0xd9) return false;
    }
    return true;
  }
  return false;
}

/**
 * Map a decoder error message onto a reason.
 *
 * @param message The decoder's message.
 * @returns The reason.
 * @example
 * ```ts
 * classifyDecoderMessage("Input image exceeds pixel limit"); // "too_many_pixels"
 * ```
 */
export function classifyDecoderMessage(message: string): ImageFailureReason {
  const m = message.toLowerCase();
  if (m.includes("pixel limit")) return "too_many_pixels";
  if (m.includes("unsupported image format")) return "unsupported";
  if (m.includes("premature") || m.includes("truncat") || m.includes("end of")) return "truncated";
  return "corrupt";
}
