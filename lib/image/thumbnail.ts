/**
 * Reviewer thumbnails cached on disk by content hash and size (shortest
 * side): a moved or renamed file reuses its thumbnail, a changed file gets a
 * new one. `embedFiles` with `thumbnailDir` writes the same files (side 224)
 * during its single decode, so the reviewer usually finds them ready.
 *
 * @module
 */
import { join } from "node:path";
import { writeJpeg } from "./_sharp.ts";
import { decodeOnce, readImageBytes } from "./decode_once.ts";
import { sha256Hex, writeFileAtomic } from "../fs/mod.ts";

/** Options for {@linkcode thumbnail}. */
export interface ThumbnailOptions {
  /** Shortest side in pixels (CLIP's resize geometry, no crop). */
  side?: number;
  /** JPEG quality. */
  quality?: number;
}

const defaults = { side: 224, quality: 80 } satisfies Required<ThumbnailOptions>;

/**
 * Path of the cached thumbnail for a content hash and size.
 *
 * @param cacheDir Thumbnail folder.
 * @param sha256 Content hash of the source file.
 * @param side Shortest side.
 * @returns The path (may not exist yet).
 * @example
 * ```ts
 * thumbnailPath("cache/thumbs", "ab12…", 224); // "cache/thumbs/ab12…_224.jpg"
 * ```
 */
export function thumbnailPath(cacheDir: string, sha256: string, side: number): string {
  return join(cacheDir, `${sha256}_${side}.jpg`);
}

/**
 * Return the cached JPEG thumbnail of `src`, creating it if missing.
 *
 * @param src Source image.
 * @param cacheDir Thumbnail folder (created if missing).
 * @param options Side and quality.
 * @returns Thumbnail path, source hash and whether it was already cached.
 * @example
 * ```ts
 * const { path } = await thumbnail("a.png", "data/cache/thumbs");
 * ```
 */
export async function thumbnail(
  src: string,
  cacheDir: string,
  options: ThumbnailOptions = {},
): Promise<{ path: string; sha256: string; cached: boolean }> {
  const opts = { ...defaults, ...options };
  const bytes = await readImageBytes(src);
  const sha256 = sha256Hex(bytes);
  const path = thumbnailPath(cacheDir, sha256, opts.side);
  try {
    await Deno.stat(path);
    return { path, sha256, cached: true };
  } catch {
    // not cached yet
  }
  await Deno.mkdir(cacheDir, { recursive: true });
  const d = await decodeOnce(src, {
    bytes,
    clipSize: null,
    workSide: opts.side,
    grid: 1,
    tileSide: 8,
  });
  await writeFileAtomic(path, (tmp) => writeJpeg(d.work, tmp, opts.quality), { mkdir: false });
  return { path, sha256, cached: false };
}
