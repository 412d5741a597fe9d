/**
 * Load the real models for decide (imported lazily so the decision-file
 * readers stay free of native libraries).
 *
 * @module
 */
import { embedFiles, FEATURES_ID } from "../embed/mod.ts";
import { loadRanker } from "../rank/mod.ts";
import { loadCropProposer } from "../crop/mod.ts";
import type { DecideParts } from "./decide_folder.ts";

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
      const model = encoder === null
        ? null
        : encoder.config === undefined
        ? { path: encoder.path }
        : { path: encoder.path, config: encoder.config };
      const r = await embedFiles(paths, {
        cacheDb,
        model,
        features: encoder === null ? ["builtin"] : ["builtin", "embedding"],
        onProgress: (p) => onProgress?.(p.done, p.total),
      });
      if (r.stats.encoder_id !== null) embedderId = `${FEATURES_ID}+${r.stats.encoder_id}`;
      const failed = new Map(r.failed.map((f) => [f.path, `${f.reason}: ${f.detail}`]));
      return { byPath: r.byPath, failed };
    },
    ranker,
    crop,
    dispose: () => {
      ranker.dispose();
      crop.dispose();
    },
  };
}
