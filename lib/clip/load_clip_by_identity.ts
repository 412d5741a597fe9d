/**
 * The imported clip vectors of the images a set of labels names.
 *
 * @module
 */
import { FeatureCache } from "../embed/mod.ts";
import { imageKey } from "../paths/mod.ts";
import type { ImageRef, SelectionSet } from "../types.ts";
import { CLIP_BLOCK_ID } from "./clip_block.ts";

/**
 * Imported clip vectors by identity (`<project>/<file name>`) for every
 * image the selections and crops name; identities never imported are absent.
 *
 * @param cacheDb Feature cache (a missing file gives an empty map).
 * @param store Ingested selections (and crops).
 * @returns identity → L2-normalised vector.
 * @example
 * ```ts
 * import { readIngested } from "../logs/mod.ts";
 * const store = await readIngested("data/ingested");
 * const clip = loadClipByIdentity("data/cache/features.sqlite", store);
 * clip.size; // imported vectors joined to the store's images by (project, file name)
 * ```
 */
export function loadClipByIdentity(
  cacheDb: string,
  store: { selections: readonly SelectionSet[]; crops?: readonly { image: ImageRef }[] },
): Map<string, Float32Array> {
  try {
    Deno.statSync(cacheDb);
  } catch {
    return new Map();
  }
  const keys = new Set<string>();
  const add = (r: ImageRef) => {
    const k = imageKey(r);
    if (k !== null) keys.add(k);
  };
  for (const s of store.selections) for (const r of [s.chosen, ...s.rejected]) add(r);
  for (const c of store.crops ?? []) add(c.image);
  const cache = FeatureCache.open(cacheDb);
  try {
    if (cache.countIdentityBlocks(CLIP_BLOCK_ID) === 0) return new Map();
    return cache.getIdentityBlocks([...keys], CLIP_BLOCK_ID);
  } finally {
    cache.close();
  }
}
