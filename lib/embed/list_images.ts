/**
 * Resolve `--in` (a folder, scanned recursively, or a text file with one
 * path per line) into image paths.
 *
 * @module
 */
import { dirname, extname, join, resolve } from "node:path";

/** Extensions treated as images. */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp"];

/** Options for {@linkcode listImages}. */
export interface ListImagesOptions {
  /** Extensions to keep when scanning a folder (lower case, with dot). */
  extensions?: string[];
}

const defaults = { extensions: IMAGE_EXTENSIONS } satisfies Required<ListImagesOptions>;

/**
 * List image files under a folder, or read a list file.
 *
 * @param input Folder or list file (relative list entries resolve against its folder).
 * @param options Extensions.
 * @returns Sorted paths (list files keep their order).
 * @example
 * ```ts
 * const paths = await listImages("mojo1");
 * ```
 */
export async function listImages(
  input: string,
  options: ListImagesOptions = {},
): Promise<string[]> {
  const opts = { ...defaults, ...options };
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(input);
  } catch (error) {
    throw new Deno.errors.NotFound(`Cannot list images: "${input}" does not exist`, {
      cause: error,
    });
  }
  if (info.isFile) {
    const base = dirname(resolve(input));
    return (await Deno.readTextFile(input)).split(/\r?\n/).map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => l.startsWith("/") ? l : join(base, l));
  }
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(dir)) entries.push(e);
    for (const e of entries) {
      const p = join(dir, e.name);
      // Symlinks are listed (not followed as folders): a broken or looping link is reported per file.
      if (e.isDirectory) await walk(p);
      else if (opts.extensions.includes(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  await walk(input);
  return out.sort();
}
