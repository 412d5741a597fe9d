/**
 * The image identity index for an ingested store: every image under the
 * given roots, attributed to the store's projects (manifests, aliases and
 * every project its labels name).
 *
 * @module
 */
import type { CropLabel, SelectionSet } from "../types.ts";
import type { IngestedProjects } from "../logs/mod.ts";
import { buildImageIndex, type ImageIndex } from "../paths/mod.ts";

/**
 * Index the image roots for the store's labels.
 *
 * @param store Ingested selections, crops and (when recorded) projects.
 * @param roots Image roots (e.g. the creator's folders and the sandbox).
 * @returns The index.
 * @throws {TypeError} When a root is not a readable folder.
 * @example
 * ```ts
 * import { readIngested } from "../logs/mod.ts";
 * import { indexResolver } from "../eval/mod.ts";
 * import { buildDataset } from "./dataset.ts";
 * import type { ImageFeatures } from "../types.ts";
 * declare const byPath: Map<string, ImageFeatures>;
 * const store = await readIngested("data/ingested");
 * const index = await indexForStore(store, ["creator", "sandbox"]);
 * const ds = buildDataset(store, byPath, { resolver: indexResolver(index) });
 * ```
 */
export async function indexForStore(
  store: { selections: SelectionSet[]; crops: CropLabel[]; projects?: IngestedProjects },
  roots: readonly string[],
): Promise<ImageIndex> {
  const projects = new Set<string>();
  for (const s of store.selections) projects.add(s.project);
  for (const c of store.crops) projects.add(c.project);
  return await buildImageIndex(roots, {
    manifests: store.projects?.manifests ?? [],
    aliases: store.projects?.aliases ?? {},
    projects: [...projects].sort(),
  });
}
