/**
 * `loadDataset()`: the one chain every step that learns or scores runs —
 * read the ingested store, find its images (by identity under image roots,
 * or in the simulator's layout), compute the feature blocks the models read
 * (lib/blocks, exactly what decide computes), and join labels with features.
 *
 * @module
 */
import { readIngested } from "../logs/mod.ts";
import { CLIP_BLOCK, loadClipByIdentity } from "../clip/mod.ts";
import { embedWithBlocks } from "../blocks/mod.ts";
import { LAYOUT_BLOCK } from "../crop/mod.ts";
import type { ImageIndex } from "../paths/mod.ts";
import { indexResolver } from "../eval/mod.ts";
import type { ImageFeatures } from "../types.ts";
import { buildDataset, type BuildDatasetOptions, type Dataset, datasetPaths } from "./dataset.ts";
import { indexForStore } from "./index_for_store.ts";

/** The records of an ingested store (lib/logs). */
export type IngestedStore = Awaited<ReturnType<typeof readIngested>>;

/** Options for {@linkcode loadDataset}. */
export interface LoadDatasetOptions {
  /** The feature cache database. */
  cache?: string;
  /**
   * Feature blocks to compute (default: builtin, layout, signature; plus
   * embedding with an encoder, plus clip when the cache holds imported vectors).
   */
  features?: readonly string[] | null;
  /** Image roots searched by identity (project, file name); not used with `imagesRoot`. */
  images?: readonly string[];
  /** The simulator's layout instead: every image at `<imagesRoot>/<dir>/<file name>`. */
  imagesRoot?: string | null;
  /** ONNX image encoder for the embedding (and a new image's clip) block. */
  encoder?: { path: string; config?: string } | null;
  /** More images to compute features for (held-out ground-truth members). */
  extraPaths?: readonly string[];
  /** Join imported CLIP vectors by identity, for history whose files are gone. */
  clipByIdentity?: boolean;
  /** Where vision results are cached (lib/blocks' default when absent). */
  visionCacheDir?: string;
  /** Called as each phase starts. */
  onPhase?: (phase: "embed" | "blocks") => void;
  /** Feature progress: images done of total. */
  onProgress?: (done: number, total: number) => void;
}

const defaults = {
  cache: "data/cache/features.sqlite",
  features: null,
  images: ["."],
  imagesRoot: null,
  encoder: null,
  extraPaths: [],
  clipByIdentity: true,
  onPhase: () => {},
  onProgress: () => {},
} satisfies Omit<Required<LoadDatasetOptions>, "visionCacheDir">;

/** What {@linkcode loadDataset} returns. */
export interface LoadedDataset {
  store: IngestedStore;
  /** Labels joined with features, with coverage (held-out data not attached). */
  dataset: Dataset;
  /** The feature blocks computed. */
  features: string[];
  /** Features by image path (store images and `extraPaths`). */
  byPath: Map<string, ImageFeatures>;
  /** Images whose features could not be computed. */
  embedFailed: number;
  /** Extra block → images that failed it. */
  blocksFailed: Record<string, number>;
  /** The identity index of the image roots (null with `imagesRoot`). */
  index: ImageIndex | null;
  /** Imported CLIP vectors joined by identity. */
  clipByIdentity: number;
  /** Wall seconds: lib/embed's blocks, the extra blocks. */
  seconds: { embed: number; blocks: number };
}

/**
 * The feature blocks `train` uses when none are named.
 *
 * @param encoder Whether an image encoder is configured.
 * @param clip Whether imported CLIP vectors exist.
 * @returns Block names.
 * @example
 * ```ts
 * defaultFeatures(false, true); // ["builtin", "layout", "signature", "clip"]
 * ```
 */
export function defaultFeatures(encoder: boolean, clip: boolean): string[] {
  return [
    ...(encoder ? ["builtin", "embedding", LAYOUT_BLOCK, "signature"] : [
      "builtin",
      LAYOUT_BLOCK,
      "signature",
    ]),
    ...(clip ? [CLIP_BLOCK] : []),
  ];
}

/**
 * Read the store, find its images, compute their features and build the dataset.
 *
 * @param ingested The ingested store folder, or the store already read.
 * @param options Cache, feature blocks, image roots (or the simulator's root), encoder.
 * @returns The dataset with the store, features and counts it was built from.
 * @example
 * ```ts
 * const { dataset } = await loadDataset("data/ingested", { images: ["art"], features: ["builtin"] });
 * dataset.coverage?.kinds.crop?.usable;
 * ```
 */
export async function loadDataset(
  ingested: string | IngestedStore,
  options: LoadDatasetOptions = {},
): Promise<LoadedDataset> {
  const o = { ...defaults, ...options };
  const store = typeof ingested === "string" ? await readIngested(ingested) : ingested;
  // Imported CLIP history (deno task import-embeddings): sets whose files are gone take part.
  const clip = o.clipByIdentity ? loadClipByIdentity(o.cache, store) : new Map();
  const features = o.features !== null
    ? [...o.features]
    : defaultFeatures(o.encoder !== null, clip.size > 0);
  const index = o.imagesRoot === null ? await indexForStore(store, [...o.images]) : null;
  const where: BuildDatasetOptions = index !== null
    ? { resolver: indexResolver(index) }
    : { imagesRoot: o.imagesRoot! };
  const paths = [...datasetPaths(store, where), ...o.extraPaths];
  const { embedded, extra, seconds } = await embedWithBlocks(paths, features, {
    cacheDb: o.cache,
    ...(o.encoder !== null ? { model: o.encoder } : {}),
    ...(o.visionCacheDir !== undefined ? { visionCacheDir: o.visionCacheDir } : {}),
    onPhase: o.onPhase,
    onProgress: ({ done, total }) => o.onProgress(done, total),
  });
  const dataset = buildDataset(store, embedded.byPath, {
    ...where,
    ...(o.clipByIdentity ? { clipByIdentity: clip } : {}),
  });
  return {
    store,
    dataset,
    features,
    byPath: embedded.byPath,
    embedFailed: embedded.failed.length,
    blocksFailed: extra.failed,
    index,
    clipByIdentity: clip.size,
    seconds,
  };
}
