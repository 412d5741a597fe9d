/**
 * Load the real models for decide (lazily imported so the decision-file
 * readers stay free of native libraries).
 *
 * @module
 */
import type { DecideParts } from "./decide_folder.ts";

/**
 * Load the ranker, the crop proposer and the feature source.
 *
 * @param models Model folder.
 * @param cacheDb Feature cache database.
 * @returns Loaded parts.
 */
export function loadDecideParts(models: string, cacheDb: string): Promise<DecideParts> {
  return Promise.reject(
    new Error(
      `Cannot load models from "${models}" (cache "${cacheDb}"): lib/embed and lib/rank are not available yet`,
    ),
  );
}
