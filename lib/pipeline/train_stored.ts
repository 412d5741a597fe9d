/**
 * `trainStored()`: the whole of `deno task train` — load the dataset from the
 * creator's stored data (ingested labels, feature cache, image roots and the
 * sandbox), refuse when a label kind ends with nothing usable, train and save
 * both models, and return the summary `train --json` prints.
 *
 * @module
 */
import type { RankEpoch } from "../rank/mod.ts";
import { type Coverage, coverageErrors, formatCoverage } from "../eval/mod.ts";
import type { ImageIndex } from "../paths/mod.ts";
import { REVIEW_WEIGHT, type SetViews } from "./dataset.ts";
import { trainModels, type TrainModelsResult } from "./train_models.ts";
import { loadDataset } from "./load_dataset.ts";
import { imageRoots } from "./_image_roots.ts";

/** Options for {@linkcode trainStored}. */
export interface TrainStoredOptions {
  /** The feature cache database. */
  cache?: string;
  /** Roots holding the creator's images (the sandbox is searched too). */
  images?: readonly string[];
  /** The sandbox, where `apply` moves reviewed files (searched when it is a folder). */
  sandbox?: string | null;
  /** ONNX image encoder (`--encoder`). */
  encoder?: string | null;
  /** Feature blocks (default: lib/pipeline's `defaultFeatures`). */
  features?: readonly string[] | null;
  /** Label kinds allowed to end with 0 usable examples. */
  allowEmpty?: readonly string[];
  /** The model folder written. */
  out?: string;
  /** Split and initialisation seed. */
  seed?: number;
  /** Epochs for both models (default: the trainers'). */
  epochs?: number | null;
  /** Feature progress: images done of total. */
  onFeatures?: (done: number, total: number) => void;
  onRankEpoch?: (row: RankEpoch) => void;
  onCropEpoch?: (epoch: number, loss: number, valIou: number) => void;
  /** Called with the coverage lines and errors before an error is thrown for them. */
  onCoverage?: (lines: string[], errors: string[]) => void;
}

const defaults = {
  cache: "data/cache/features.sqlite",
  images: ["."],
  sandbox: null,
  encoder: null,
  features: null,
  allowEmpty: [],
  out: "data/ai_data/models",
  seed: 1,
  epochs: null,
  onFeatures: () => {},
  onRankEpoch: () => {},
  onCropEpoch: () => {},
  onCoverage: () => {},
} satisfies Required<TrainStoredOptions>;

/** What `deno task train --json` prints. */
export interface TrainSummary {
  out: string;
  counts: TrainModelsResult["counts"];
  features: string[];
  views: SetViews | null;
  skipped: Record<string, number>;
  coverage: Coverage;
  images: {
    roots: ImageIndex["roots"];
    files: number;
    unresolved: ImageIndex["unresolved"];
    conflicts: ImageIndex["conflicts"];
    duplicates: ImageIndex["duplicates"];
    delivered_copies: number;
  };
  reviews: { sets: number; crops: number; weight: number };
  ranker: {
    identity: string;
    best_epoch: number;
    temperature: number;
    auto_approve_threshold: number | null;
    metrics: NonNullable<TrainModelsResult["ranker"]>["metrics"];
    calibration: NonNullable<NonNullable<TrainModelsResult["ranker"]>["calibration"]> | null;
    auto_approve: NonNullable<NonNullable<TrainModelsResult["ranker"]>["auto_approve"]> | null;
    chain:
      | {
        mix: { mlp: number; chain: number };
        /** Where the mix was chosen: out of fold over every logged set, or on validation. */
        mix_chosen_on: "out_of_fold" | "validation";
        l2: number;
        steps: number;
        broken: number;
        /** Sets the chain model was fitted on (every logged set once refitted; else training). */
        sets: number;
      }
      | null;
  } | null;
  crop: { identity: string; best_epoch: number; val_iou: number } | null;
}

/** What {@linkcode trainStored} returns. */
export interface TrainStoredResult {
  summary: TrainSummary;
  /** Label coverage, delivered copies and identity conflicts, one line each. */
  coverageLines: string[];
}

/**
 * Train the ranker and the crop proposer from the ingested store in `ingested`.
 *
 * @param ingested The ingested store folder.
 * @param options Cache, image roots, sandbox, encoder, features, model folder, seed, progress.
 * @returns The summary and the coverage lines.
 * @throws {Error} When a label kind (not in `allowEmpty`) has labels but no usable example.
 * @example
 * ```ts
 * const { summary } = await trainStored("data/ingested", { images: ["art"], sandbox: "sandbox" });
 * summary.ranker?.identity;
 * ```
 */
export async function trainStored(
  ingested: string,
  options: TrainStoredOptions = {},
): Promise<TrainStoredResult> {
  const o = { ...defaults, ...options };
  const loaded = await loadDataset(ingested, {
    cache: o.cache,
    features: o.features,
    images: await imageRoots(o.images, o.sandbox),
    encoder: o.encoder === null ? null : { path: o.encoder },
    onProgress: o.onFeatures,
  });
  const { dataset: ds, features } = loaded;
  const index = loaded.index!;
  const coverage = ds.coverage!;
  const coverageLines = formatCoverage(coverage);
  if (index.delivered.length > 0) {
    const d = index.delivered[0]!;
    coverageLines.push(
      `  ${index.delivered.length} delivered copies (<project>_final/, apply's __cropped/) differ from their originals: ` +
        `originals used (e.g. ${d.original} over ${d.copies[0]})`,
    );
  }
  if (index.conflicts.length > 0) {
    coverageLines.push(
      `  ${index.conflicts.length} identities are held by two different files: a label that ` +
        `recorded its file's sha256 (a review) takes the one with those bytes, others are not used`,
    );
  }
  for (const c of index.conflicts.slice(0, 5)) {
    coverageLines.push(`  conflict: ${c.identity} is two different files: ${c.paths.join(", ")}`);
  }
  const errors = coverageErrors(coverage, { allowEmpty: o.allowEmpty });
  if (errors.length > 0) {
    o.onCoverage(coverageLines, errors);
    throw new Error(errors.join("\n"));
  }
  const result = await trainModels(ds, {
    out: o.out,
    seed: o.seed,
    features,
    ...(o.epochs ? { ranker: { epochs: o.epochs }, crop: { epochs: o.epochs } } : {}),
    onRankEpoch: o.onRankEpoch,
    onCropEpoch: o.onCropEpoch,
  });
  const summary: TrainSummary = {
    out: result.out,
    counts: result.counts,
    features,
    views: ds.views ?? null,
    skipped: { ...ds.skipped, embed_failed: loaded.embedFailed },
    coverage,
    images: {
      roots: index.roots,
      files: index.files,
      unresolved: index.unresolved,
      conflicts: index.conflicts,
      duplicates: index.duplicates,
      delivered_copies: index.delivered.length,
    },
    reviews: {
      sets: ds.groups.filter((g) => g.weight !== undefined).length,
      crops: ds.crops.filter((c) => c.example.weight !== undefined).length,
      weight: REVIEW_WEIGHT,
    },
    ranker: result.ranker && {
      identity: result.ranker.identity,
      best_epoch: result.ranker.best_epoch,
      temperature: result.ranker.temperature,
      auto_approve_threshold: result.ranker.auto_approve_threshold,
      metrics: result.ranker.metrics,
      calibration: result.ranker.calibration ?? null,
      auto_approve: result.ranker.auto_approve ?? null,
      chain: result.ranker.chain
        ? {
          mix: result.ranker.chain.mix,
          mix_chosen_on: result.ranker.chain.out_of_fold ? "out_of_fold" : "validation",
          l2: result.ranker.chain.l2,
          steps: result.ranker.chain.steps,
          broken: result.ranker.chain.broken,
          sets: result.ranker.chain.refit_sets ?? result.counts.train_sets,
        }
        : null,
    },
    crop: result.crop && {
      identity: result.crop.identity,
      best_epoch: result.crop.best_epoch,
      val_iou: result.crop.val_iou,
    },
  };
  return { summary, coverageLines };
}
