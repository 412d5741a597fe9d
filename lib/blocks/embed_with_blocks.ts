/**
 * Every feature block a model reads, in one call: lib/embed's built-in and
 * encoder blocks plus the pixel blocks (layout, signature) from the same
 * one decode, then the vision blocks and any pixel block still missing.
 * Training, evaluation and the closed loop use it, so they feed a model
 * exactly what decide will.
 *
 * @module
 */
import { embedFiles, type EmbedFilesOptions, type EmbedFilesResult } from "../embed/mod.ts";
import {
  addFeatureBlocks,
  type AddFeatureBlocksOptions,
  type AddFeatureBlocksResult,
} from "./add_feature_blocks.ts";
import { pixelBlocksFor } from "./pixel_blocks.ts";
import { CLIP_BLOCK } from "../clip/mod.ts";

/** Options for {@linkcode embedWithBlocks}: lib/embed's, plus where vision results are cached. */
export type EmbedWithBlocksOptions =
  & Omit<EmbedFilesOptions, "features" | "blocks">
  & Pick<AddFeatureBlocksOptions, "visionCacheDir">
  & {
    /** Called as each phase starts: lib/embed's blocks, then the extra blocks. */
    onPhase?: (phase: "embed" | "blocks") => void;
  };

/** What {@linkcode embedWithBlocks} did. */
export interface EmbedWithBlocksResult {
  embedded: EmbedFilesResult;
  extra: AddFeatureBlocksResult;
  /** Wall seconds of each phase. */
  seconds: { embed: number; blocks: number };
}

/**
 * Features of `paths` with the blocks `names` asks for.
 *
 * @param paths Image files.
 * @param names Feature names, e.g. `["builtin", "layout", "signature"]`.
 * @param options Cache, encoder, progress, vision cache.
 * @returns lib/embed's result (with `blocks` filled in) and the extra-block counts.
 * @example
 * ```ts
 * declare const paths: string[], cacheDb: string;
 * const { embedded } = await embedWithBlocks(paths, ["builtin", "layout", "signature"], { cacheDb });
 * ```
 */
export async function embedWithBlocks(
  paths: string[],
  names: readonly string[],
  options: EmbedWithBlocksOptions,
): Promise<EmbedWithBlocksResult> {
  const { visionCacheDir, onPhase, ...embedOptions } = options;
  // The clip block of a new image is the CLIP encoder's embedding (when one is configured).
  const encoder = options.model != null || options.embedder != null;
  const base = names.filter((f) => f === "builtin" || f === "embedding");
  if (encoder && names.includes(CLIP_BLOCK) && !base.includes("embedding")) base.push("embedding");
  onPhase?.("embed");
  const t0 = performance.now();
  const embedded = await embedFiles(paths, {
    ...embedOptions,
    features: base,
    blocks: pixelBlocksFor(names),
  });
  onPhase?.("blocks");
  const t1 = performance.now();
  const extra = await addFeatureBlocks(
    embedded.byPath,
    names,
    { cacheDb: options.cacheDb, ...(visionCacheDir === undefined ? {} : { visionCacheDir }) },
  );
  const seconds = { embed: (t1 - t0) / 1000, blocks: (performance.now() - t1) / 1000 };
  return { embedded, extra, seconds };
}
