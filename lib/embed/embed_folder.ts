/**
 * `embedFolder()`: list the images of folders or list files, resolve the requested feature
 * blocks and embed them all into the feature cache (what `deno task embed` does).
 *
 * @module
 */
import { embedFiles, type EmbedFilesResult } from "./embed_files.ts";
import { listImages } from "./list_images.ts";
import { resolvePixelBlocks } from "./pixel_block.ts";

/** Options for {@linkcode embedFolder}. */
export interface EmbedFolderOptions {
  /** ONNX encoder file; null: no embedding (built-in features and pixel blocks only). */
  encoder?: string | null;
  /** Encoder config JSON (with `encoder`); null: the encoder's defaults. */
  encoderConfig?: string | null;
  /**
   * Feature names: `builtin` and registered pixel blocks (`PIXEL_BLOCKS`, e.g. layout,
   * signature); `embedding` is added when an encoder is given.
   */
  features?: readonly string[];
  /** Also write thumbnails here (created when missing); null: none. */
  thumbnailDir?: string | null;
  /** Decodes in flight. */
  concurrency?: number;
  /** Encoder batch size. */
  batchSize?: number;
  /** Told the image paths once they are listed (before any is embedded). */
  onList?: (paths: readonly string[]) => void;
  /** Called as images finish. */
  onProgress?: (p: { done: number; total: number; cached: number; failed: number }) => void;
}

const defaults = {
  encoder: null,
  encoderConfig: null,
  features: ["builtin"],
  thumbnailDir: null,
  concurrency: 4,
  batchSize: 16,
  onList: () => {},
  onProgress: () => {},
} satisfies Required<EmbedFolderOptions>;

/**
 * Embed every image of the given folders or list files into the feature cache: the folder of
 * `cacheDb` (and the thumbnail folder) is created, feature names are split into pixel blocks
 * and the rest, and {@linkcode embedFiles} decodes each image once.
 *
 * @param inputs Image folders or files listing images.
 * @param cacheDb The SQLite feature cache (created if missing).
 * @param options Encoder, feature names, thumbnails, concurrency, progress.
 * @returns The features by path, the failures and the run's statistics.
 * @throws {Error} When an input does not exist or a feature name is unknown.
 * @example
 * ```ts
 * const r = await embedFolder(["sandbox/demo/sim"], "data/cache/features.sqlite", {
 *   features: ["builtin", "layout"],
 * });
 * console.log(r.stats.embedded, r.failed.length);
 * ```
 */
export async function embedFolder(
  inputs: readonly string[],
  cacheDb: string,
  options: EmbedFolderOptions = {},
): Promise<EmbedFilesResult> {
  const opts = { ...defaults, ...options };
  const paths: string[] = [];
  for (const input of inputs) paths.push(...await listImages(input));
  opts.onList(paths);
  const cacheDir = cacheDb.includes("/") ? cacheDb.slice(0, cacheDb.lastIndexOf("/")) : ".";
  await Deno.mkdir(cacheDir, { recursive: true });
  if (opts.thumbnailDir) await Deno.mkdir(opts.thumbnailDir, { recursive: true });
  const { blocks, rest: features } = resolvePixelBlocks([...opts.features]);
  if (opts.encoder && !features.includes("embedding")) features.push("embedding");
  return await embedFiles(paths, {
    cacheDb,
    model: opts.encoder
      ? { path: opts.encoder, ...(opts.encoderConfig ? { config: opts.encoderConfig } : {}) }
      : null,
    features,
    blocks,
    concurrency: opts.concurrency,
    batchSize: opts.batchSize,
    thumbnailDir: opts.thumbnailDir ?? null,
    onProgress: opts.onProgress,
  });
}
