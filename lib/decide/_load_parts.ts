/**
 * Load the real models for decide (imported lazily so the decision-file
 * readers stay free of native libraries).
 *
 * @module
 */
import { embedFiles, FEATURES_ID, openFeatureCache, pixelBlockKey } from "../embed/mod.ts";
import { loadRanker } from "../rank/mod.ts";
import { loadCropProposer } from "../crop/mod.ts";
import { addFeatureBlocks, pixelBlocksFor } from "../blocks/mod.ts";
import { CLIP_BLOCK } from "../clip/mod.ts";
import type { ImageFeatures } from "../types.ts";
import type { DecideParts } from "./decide_parts.ts";

/** Where the optional image encoder lives. */
export interface EncoderRef {
  path: string;
  config?: string;
}

/**
 * Load the ranker and crop proposer from `models` (falling back to "highest
 * stage" and the median crop when a model is absent) and a feature source
 * over lib/embed's cache.
 *
 * @param models Model folder.
 * @param cacheDb Feature cache database (SQLite).
 * @param encoder Optional ONNX image encoder for embeddings.
 * @returns Loaded parts; call `dispose()` when done.
 */
export async function loadDecideParts(
  models: string,
  cacheDb: string,
  encoder: EncoderRef | null = null,
): Promise<DecideParts> {
  const ranker = await loadRanker(models);
  const crop = await loadCropProposer(models);
  let embedderId = FEATURES_ID;
  return {
    get embedder() {
      return embedderId;
    },
    features: async (paths, onProgress) => {
      // Pixel blocks the models read (layout, signature) come with the one decode, cached.
      const pixel = pixelBlocksFor([...ranker.blocks, ...crop.blocks]);
      // Fast path (no encoder): answer unchanged files from the cache's path
      // index with synchronous stats; only the rest go through embedFiles.
      let cached = new Map<string, ImageFeatures>();
      let todo = paths;
      if (encoder === null) {
        const cache = openFeatureCache(cacheDb);
        try {
          const hit = cache.featuresForPaths(paths, {
            featuresId: FEATURES_ID,
            encoderId: null,
            ...(pixel.length > 0
              ? { blocks: Object.fromEntries(pixel.map((b) => [b.name, pixelBlockKey(b)])) }
              : {}),
          });
          cached = hit.byPath;
          todo = hit.missing;
        } finally {
          cache.close();
        }
        onProgress?.(cached.size, paths.length);
      }
      const failed = new Map<string, string>();
      if (todo.length > 0) {
        const model = encoder === null
          ? null
          : encoder.config === undefined
          ? { path: encoder.path }
          : { path: encoder.path, config: encoder.config };
        const r = await embedFiles(todo, {
          cacheDb,
          model,
          features: encoder === null ? ["builtin"] : ["builtin", "embedding"],
          blocks: pixel,
          onProgress: (p) => onProgress?.(cached.size + p.done, paths.length),
        });
        if (r.stats.encoder_id !== null) embedderId = `${FEATURES_ID}+${r.stats.encoder_id}`;
        for (const [k, v] of r.byPath) cached.set(k, v);
        for (const f of r.failed) failed.set(f.path, `${f.reason}: ${f.detail}`);
      }
      // The models read extra blocks (vision; any pixel block still missing) that lib/embed did not
      // store: compute them exactly as training did, never leave them zero.
      const blocks = [...new Set([...ranker.blocks, ...crop.blocks])];
      if (blocks.length > 0) await addFeatureBlocks(cached, blocks, { cacheDb });
      if (blocks.includes(CLIP_BLOCK)) {
        // A model trained on the clip block never meets zeros for it: an image with no imported
        // vector and no encoder to compute one is reported, not decided.
        for (const [path, f] of cached) {
          if (f.blocks?.[CLIP_BLOCK]) continue;
          cached.delete(path);
          failed.set(
            path,
            "missing_clip: the models read the clip block; pass the creator's CLIP export " +
              "(--model) or import its embedding (deno task import-embeddings)",
          );
        }
      }
      return { byPath: cached, failed };
    },
    ranker,
    crop,
    dispose: () => {
      ranker.dispose();
      crop.dispose();
    },
  };
}
