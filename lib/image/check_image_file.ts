/**
 * A cheap "can this file be shown?" check that decodes no pixels: the
 * reviewer runs it for every image of a group at the moment a person (or the
 * approve-band action) approves it.
 *
 * @module
 */
import { probe } from "./_sharp.ts";
import {
  classifyDecoderMessage,
  ImageReadError,
  isVisiblyTruncated,
  sniffImageFormat,
} from "./image_read_error.ts";

/** Options for {@linkcode checkImageFile}. */
export interface CheckImageFileOptions {
  /** Refuse images with more pixels than this (the decoders' limit). */
  maxPixels?: number;
}

const defaults = { maxPixels: 100_000_000 } satisfies Required<CheckImageFileOptions>;

/** Bytes read from each end of the file: the signature and the end marker. */
const EDGE = 64;

async function edges(path: string): Promise<{ head: Uint8Array; tail: Uint8Array; size: number }> {
  using file = await Deno.open(path, { read: true });
  const info = await file.stat();
  if (!info.isFile) throw new ImageReadError(path, "not_a_file", "not a regular file");
  const read = async (at: number, n: number): Promise<Uint8Array> => {
    const buf = new Uint8Array(n);
    await file.seek(at, Deno.SeekMode.Start);
    let got = 0;
    while (got < n) {
      const k = await file.read(buf.subarray(got));
      if (k === null) break;
      got += k;
    }
    return buf.subarray(0, got);
  };
  const head = await read(0, Math.min(EDGE, info.size));
  const tail = await read(Math.max(0, info.size - EDGE), Math.min(EDGE, info.size));
  return { head, tail, size: info.size };
}

/**
 * Check that a file looks like a complete image a decoder will read, without
 * decoding it: not empty, a known image signature, the end marker present
 * (PNG `IEND`, JPEG `EOI`), a header the decoder parses, a positive size
 * within the pixel limit. A file corrupt in its middle passes; the decode
 * that shows it finds that.
 *
 * @param path The file.
 * @param options Pixel limit.
 * @returns Null when it looks usable, else the failure (path, reason, detail).
 * @example
 * ```ts
 * const failure = await checkImageFile("a.png");
 * if (failure !== null) console.log(failure.reason); // "truncated"
 * ```
 */
export async function checkImageFile(
  path: string,
  options: CheckImageFileOptions = {},
): Promise<ImageReadError | null> {
  const { maxPixels } = { ...defaults, ...options };
  let head: Uint8Array, tail: Uint8Array, size: number;
  try {
    ({ head, tail, size } = await edges(path));
  } catch (error) {
    if (error instanceof ImageReadError) return error;
    const msg = error instanceof Error ? error.message : String(error);
    return new ImageReadError(path, "unreadable", msg, { cause: error });
  }
  if (size === 0) return new ImageReadError(path, "zero_byte", "file is empty");
  const format = sniffImageFormat(head);
  if (format === null) return new ImageReadError(path, "not_an_image", "no known image signature");
  if (isVisiblyTruncated(tail, format)) {
    return new ImageReadError(path, "truncated", `${format} end marker missing`);
  }
  let meta;
  try {
    meta = await probe(path);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    return new ImageReadError(path, classifyDecoderMessage(msg), msg, { cause: error });
  }
  if (meta.width <= 0 || meta.height <= 0) {
    return new ImageReadError(
      path,
      "corrupt",
      `header gives a size of ${meta.width}x${meta.height}`,
    );
  }
  if (meta.width * meta.height > maxPixels) {
    return new ImageReadError(
      path,
      "too_many_pixels",
      `${meta.width}x${meta.height} exceeds ${maxPixels} pixels`,
    );
  }
  return null;
}
