/**
 * Train both models on a dataset's group split, calibrate the ranker on
 * validation (temperature, auto-approve threshold) and save everything.
 *
 * @module
 */
import { SIGNATURE_BLOCK } from "../signature/mod.ts";
import { LAYOUT_BLOCK } from "../crop/mod.ts";
import {
  calibrateFromOutOfFold,
  chooseMixOutOfFold,
  crossFitRanker,
  mixChainScores,
  type RankEpoch,
  rankerFrom,
  type RankerMeta,
  refitRankerChain,
  saveRanker,
  trainRanker,
  type TrainRankerOptions,
} from "../rank/mod.ts";
import {
  addSubjectCrop,
  type CropModelMeta,
  cropProposerFrom,
  saveCropModel,
  type TrainCropOptions,
  trainCropProposer,
} from "../crop/mod.ts";
import { type Dataset, datasetHash } from "./dataset.ts";
import {
  approvedScores,
  autoApproveThreshold,
  bandScores,
  ece,
  scoreGroups,
  splitBy,
  type SplitOptions,
} from "../eval/mod.ts";

/** Precision the auto-approve band must reach on validation. */
export const AUTO_APPROVE_PRECISION = 0.97;

/** Options for {@linkcode trainModels}. */
export interface TrainModelsOptions {
  /** Model folder. */
  out?: string;
  /** Split seed. */
  seed?: number;
  /** Feature blocks both models read. */
  features?: string[];
  ranker?: TrainRankerOptions;
  crop?: TrainCropOptions;
  onRankEpoch?: (row: RankEpoch) => void;
  /**
   * Folds for cross-fitting the ranker's temperature and auto-approve band over all logged
   * sets (0: fit both on the validation split alone, as before).
   */
  crossFit?: number;
  onFold?: (fold: number, folds: number) => void;
  onCropEpoch?: (epoch: number, loss: number, valIou: number) => void;
}

const defaults = {
  out: "data/ai_data/models",
  seed: 1,
  features: ["builtin", "embedding"],
  ranker: {},
  crop: {},
  onRankEpoch: () => {},
  crossFit: 5,
  onFold: () => {},
  onCropEpoch: () => {},
} satisfies Required<TrainModelsOptions>;

/** The split fractions used for a dataset (no test split when held-out data exists). */
export function splitOptionsFor(ds: Dataset, seed: number): Required<SplitOptions> {
  return ds.heldout ? { seed, val: 0.15, test: 0 } : { seed, val: 0.15, test: 0.15 };
}

/** What {@linkcode trainModels} returns. */
export interface TrainModelsResult {
  out: string;
  ranker: RankerMeta | null;
  crop: CropModelMeta | null;
  counts: { train_sets: number; val_sets: number; train_crops: number; val_crops: number };
}

/**
 * Train, calibrate and save the ranker and the crop proposer.
 *
 * @param ds Dataset.
 * @param options Output folder, seed, features, hyper-parameters, progress.
 * @returns Metadata of both models (null when there was nothing to train on).
 * @example
 * ```ts
 * import type { Dataset } from "./dataset.ts";
 * declare const ds: Dataset;
 * const r = await trainModels(ds, { out: "data/ai_data/models", seed: 1 });
 * ```
 */
export async function trainModels(
  ds: Dataset,
  options: TrainModelsOptions = {},
): Promise<TrainModelsResult> {
  const o = { ...defaults, ...options };
  const split = splitOptionsFor(ds, o.seed);
  const hash = datasetHash(ds);
  const g = splitBy(ds.groups, (x) => x.id, split);
  const c = splitBy(ds.crops, (x) => x.key, split);
  let rankerMeta: RankerMeta | null = null;
  let refit = false;
  if (g.train.length > 0) {
    let model = await trainRanker(g.train, g.val, {
      // The layout grid is the crop proposer's block: as ranker input it only adds noise
      // (measured: anomaly-set accuracy 0.41 → 0.66 without it, sim seed 1, scale 0.125).
      features: o.features.filter((f) => f !== LAYOUT_BLOCK),
      seed: o.seed,
      onEpoch: o.onRankEpoch,
      ...o.ranker,
    });
    const logged = [...g.train, ...g.val];
    if (o.crossFit >= 2 && logged.length >= o.crossFit * 2) {
      // Temperature and band on out-of-fold scores over every logged set (see lib/rank/cross_fit.ts).
      const { onEpoch: _cb, ...hyper } = model.meta.hyperparameters as TrainRankerOptions;
      const oof = await crossFitRanker(logged, {
        folds: o.crossFit,
        seed: o.seed,
        ranker: { ...hyper, seed: o.seed },
        onFold: o.onFold,
      });
      // The chain mix, too, is chosen on every logged set out of fold, not on one split.
      const choice = model.meta.chain ? chooseMixOutOfFold(oof) : null;
      let validationTemperature = model.meta.temperature, scoredOof = oof;
      if (choice && model.meta.chain) {
        const mix = choice.mix;
        model.meta.chain = { ...model.meta.chain, mix, out_of_fold: choice.figures };
        model.meta.identity = model.meta.identity.replace("+chain", "").replace(
          /-s(\d+)$/,
          `${mix.chain > 0 ? "+chain" : ""}-s$1`,
        );
        validationTemperature = choice.temperature;
        scoredOof = oof.map((r) => ({
          ...r,
          scores: mixChainScores(r.mlp, r.chain, mix),
          temperature: choice.temperature,
        }));
      }
      const cal = calibrateFromOutOfFold(validationTemperature, scoredOof, {
        folds: o.crossFit,
        band: { precision: AUTO_APPROVE_PRECISION },
      });
      model.meta.temperature = cal.temperature;
      if (cal.suspicious) model.meta.temperature_suspicious = cal.suspicious;
      model.meta.auto_approve = cal.autoApprove;
      model.meta.auto_approve_threshold = cal.autoApprove.threshold;
      model.meta.calibration = cal.calibration;
      refit = true;
    }
    const ranker = rankerFrom(model);
    const scored = scoreGroups(g.val, (m) => ranker.rank(m));
    const conf = scored.map((s) => s.confidence), ok = scored.map((s) => s.correct);
    const threshold = model.meta.auto_approve
      ? model.meta.auto_approve_threshold
      : autoApproveThreshold(conf, ok, AUTO_APPROVE_PRECISION);
    const band = model.meta.auto_approve
      ? approvedScores(g.val.map((x) => ranker.rank(x.members).auto_approvable ?? false), ok)
      : bandScores(conf, ok, threshold);
    model.meta.auto_approve_threshold = threshold;
    model.meta.training_data_hash = hash;
    model.meta.split_seed = o.seed;
    model.meta.metrics = {
      val_acc: scored.length ? ok.filter(Boolean).length / scored.length : null,
      val_ece: ece(conf, ok),
      val_auto_approve: { threshold, precision: band.precision, coverage: band.coverage },
    };
    // Temperature and band came from out-of-fold scores of every logged set (the mix too, once
    // ≥ 100 of them have a chain verdict), the figures above from the validation split: the
    // chain model now learns from every logged set too.
    if (refit) model = refitRankerChain(model, logged);
    await saveRanker(o.out, model);
    rankerMeta = model.meta;
  }
  let cropMeta: CropModelMeta | null = null;
  if (c.train.length > 0) {
    const model = await trainCropProposer(
      c.train.map((x) => x.example),
      c.val.map((x) => x.example),
      {
        // The pixel signature only feeds the ranker's transition columns.
        features: o.features.filter((f) => f !== SIGNATURE_BLOCK),
        seed: o.seed,
        onEpoch: o.onCropEpoch,
        ...o.crop,
      },
    );
    // The subject-relative crop where the crop images carry the vision block (see
    // lib/crop/blend_crop.ts): mixed per project with the learned box on validation.
    const learned = cropProposerFrom(model);
    addSubjectCrop(model.meta, {
      train: c.train.map((x) => x.example),
      val: c.val.map((x) => x.example),
    }, (m) => learned.propose(m));
    model.meta.training_data_hash = hash;
    model.meta.split_seed = o.seed;
    model.meta.metrics = { val_iou: model.meta.val_iou };
    await saveCropModel(o.out, model);
    cropMeta = model.meta;
  }
  return {
    out: o.out,
    ranker: rankerMeta,
    crop: cropMeta,
    counts: {
      train_sets: g.train.length,
      val_sets: g.val.length,
      train_crops: c.train.length,
      val_crops: c.val.length,
    },
  };
}
