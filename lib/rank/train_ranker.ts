/**
 * Train the ranker: an MLP scoring each member of a set from
 * group-relative features, trained with a listwise softmax loss over the
 * whole set (or, for the original recipe baseline, a pairwise hinge),
 * anomaly sets weighted, early stopping on validation, temperature fitted
 * on validation.
 *
 * @module
 */
import { CLIP_BLOCK } from "../clip/mod.ts";
import type { GroupMemberInput } from "../types.ts";
import { SIGNATURE_BLOCK } from "../signature/mod.ts";
import {
  type FeatureNames,
  type FitEpoch,
  fitEpochs,
  type FitLoss,
  inferFeatureSpec,
  Mlp,
} from "../nn/mod.ts";
import { applyStandardiser, standardiser } from "../nn/mod.ts";
import {
  contextColumns,
  type RankFeatureLayout,
  rankInputSize,
  rankMatrix,
  TASTE_FEATURES,
  transitionReference,
} from "./rank_features.ts";
import { fitTemperature, groupNll } from "./calibration.ts";
import { type ChainPenaltyChoice, chooseChainPenalty } from "./choose_chain_penalty.ts";
import type { AutoApprove } from "./auto_approve.ts";
import {
  CHAIN_MIXES,
  type ChainGroup,
  chainLogProbabilities,
  type ChainMix,
  type ChainModel,
  fitChainModel,
  mixChainScores,
} from "./chain_model.ts";

/** One labelled set: members and the index of the creator's pick. */
export interface RankGroup {
  id: string;
  project: string;
  members: GroupMemberInput[];
  chosen: number;
  /** Loss weight (default 1): reviews, the creator's newest taste, count more. */
  weight?: number;
}

/** True when the pick has a lower stage than some other member. */
export function isAnomaly(g: RankGroup): boolean {
  const chosen = g.members[g.chosen]?.stage ?? 0;
  return g.members.some((m) => (m.stage ?? 0) > chosen);
}

/** Options for {@linkcode trainRanker}. */
export interface TrainRankerOptions {
  seed?: number;
  epochs?: number;
  hidden?: number[];
  lr?: number;
  weightDecay?: number;
  /** Groups per optimiser step. */
  batchGroups?: number;
  /** Loss weight of anomaly sets, and of the broken steps in the chain model's fit. */
  anomalyWeight?: number;
  /** `listwise` softmax over the set, or `hinge` on (chosen, rejected) pairs. */
  loss?: "listwise" | "hinge";
  /** Hinge margin. */
  margin?: number;
  /** Validation metric used to pick the best epoch. */
  select?: "val_nll" | "val_anomaly_acc";
  patience?: number;
  features?: FeatureNames;
  /** Add group-relative features (deltas, stage context, distances). */
  groupContext?: boolean;
  /**
   * With transition columns: fit the chain model (lib/rank/chain_model.ts) and add its
   * log-probability to the MLP score, weighted as validation NLL prefers (possibly 0).
   */
  chain?: boolean;
  /**
   * Keep processing-strength features ({@linkcode TASTE_FEATURES}) to per-project terms in the
   * input and the chain model: a project's taste stays in its project and shrinks toward no
   * effect. False: shared by all projects (the recipe before #18 item 2).
   */
  projectTaste?: boolean;
  threads?: number;
  onEpoch?: (row: RankEpoch) => void;
}

const defaults = {
  seed: 1,
  epochs: 40,
  hidden: [128, 32],
  lr: 1e-3,
  weightDecay: 1e-4,
  batchGroups: 32,
  anomalyWeight: 2,
  loss: "listwise",
  margin: 0.5,
  select: "val_nll",
  patience: 8,
  features: ["builtin", "embedding"],
  groupContext: true,
  chain: true,
  projectTaste: true,
  threads: 0,
  onEpoch: () => {},
} satisfies Required<TrainRankerOptions>;

/** One epoch of the learning curve. */
export interface RankEpoch {
  epoch: number;
  loss: number;
  val_acc: number;
  val_anomaly_acc: number;
  val_nll: number;
}

/** Metadata saved beside `ranker.onnx`. */
export interface RankerMeta {
  kind: "ranker";
  identity: string;
  layout: RankFeatureLayout;
  /** False: the model reads only the image blocks (original recipe). */
  group_context: boolean;
  layers: number[];
  /** Softmax temperature (of every group, or of the groups below the suspicion cut). */
  temperature: number;
  /**
   * A temperature of its own for groups whose chain model suspects a broken step (suspicion
   * above `cut`), fitted on their out-of-fold scores; absent: `temperature` for every group.
   */
  temperature_suspicious?: { cut: number; temperature: number };
  /** Confidence at or above which a pick may be auto-approved (null: none; pooled over projects). */
  auto_approve_threshold: number | null;
  /** The band itself: per-project thresholds, suspicion cut, how it was fitted (absent: older model). */
  auto_approve?: AutoApprove;
  /** How temperature and band were fitted (cross-fitting figures). */
  calibration?: RankerCalibration;
  hyperparameters: Record<string, unknown>;
  history: RankEpoch[];
  best_epoch: number;
  created: string;
  training_data_hash?: string;
  split_seed?: number;
  metrics?: Record<string, unknown>;
  /** The chain model and how its log-probability joins the MLP score; absent: MLP alone. */
  chain?: RankerChain;
}

/** How a ranker's temperature was fitted on out-of-fold scores. */
export interface RankerCalibration {
  method: "cross-fit";
  folds: number;
  /** Sets scored out of fold. */
  sets: number;
  /** The ranker's own validation temperature, the out-of-fold correction and their product. */
  validation_temperature: number;
  correction: number;
  /** Prior standard deviation of log(correction). */
  prior_sd: number;
  /** Out-of-fold accuracy and ECE after calibration. */
  oof_acc: number;
  oof_ece: number;
  /**
   * Clean and suspected groups calibrated apart (absent: one correction for all): the cut, each
   * part's sets and correction (fitted around the pooled one), and the out-of-fold ECE that one
   * pooled correction would have given.
   */
  by_suspicion?: {
    cut: number;
    clean: { sets: number; correction: number };
    suspicious: { sets: number; correction: number };
    oof_ece_pooled: number;
  };
}

/** The chain model as a ranker keeps it: with its mix and every candidate mix's validation figures. */
export type RankerChain = ChainModel & {
  mix: ChainMix;
  validation: Record<string, ChainValidation>;
  /** Out-of-fold NLL of the chain model alone per penalty tried (absent: chosen on validation). */
  cv_nll?: Record<string, number>;
  /**
   * Every mix's figures on the out-of-fold scores of all logged sets, when the mix was chosen
   * there (lib/rank/choose_mix.ts); absent: chosen on validation.
   */
  out_of_fold?: Record<string, ChainValidation>;
  /**
   * Sets the chain model was fitted on again after the mix was chosen (every logged set; see
   * {@linkcode refitRankerChain}); absent: fitted on the training split.
   */
  refit_sets?: number;
};

/** Validation NLL (at its own temperature) and accuracy of one chain mix. */
export interface ChainValidation {
  nll: number;
  acc: number;
  anomaly_acc: number;
}

/** A trained ranker: inference ONNX + metadata. */
export interface TrainedRanker {
  onnx: Uint8Array;
  meta: RankerMeta;
}

type RankValMetrics = Omit<RankEpoch, "epoch" | "loss">;

function toRankEpoch(row: FitEpoch<Partial<RankValMetrics>>): RankEpoch {
  // Without validation sets the metrics are absent: report zeros as before.
  return {
    epoch: row.epoch,
    loss: row.loss,
    val_acc: row.val_acc ?? 0,
    val_anomaly_acc: row.val_anomaly_acc ?? 0,
    val_nll: row.val_nll ?? 0,
  };
}

/** Where one set sits in a batch's score vector. */
interface SetSlot {
  at: number;
  n: number;
  chosen: number;
  weight: number;
}

/** Weighted softmax cross-entropy of the chosen member; adds dL/dy into dY. */
function listwiseLoss(y: Float32Array, dY: Float32Array, s: SetSlot): number {
  let m = -Infinity;
  for (let i = 0; i < s.n; i++) m = Math.max(m, y[s.at + i]!);
  let z = 0;
  for (let i = 0; i < s.n; i++) z += Math.exp(y[s.at + i]! - m);
  let l = 0;
  for (let i = 0; i < s.n; i++) {
    const p = Math.exp(y[s.at + i]! - m) / z;
    dY[s.at + i] = s.weight * (p - (i === s.chosen ? 1 : 0));
    if (i === s.chosen) l = -s.weight * Math.log(Math.max(p, 1e-12));
  }
  return l;
}

/** Weighted mean hinge over (chosen, other) pairs of the set; adds into dY. */
function hingeLoss(y: Float32Array, dY: Float32Array, s: SetSlot & { margin: number }): number {
  const sc = y[s.at + s.chosen]!;
  const wp = s.weight / Math.max(s.n - 1, 1);
  let l = 0;
  for (let i = 0; i < s.n; i++) {
    if (i === s.chosen) continue;
    const h = s.margin - (sc - y[s.at + i]!);
    if (h > 0) {
      l += wp * h;
      dY[s.at + s.chosen]! -= wp;
      dY[s.at + i]! += wp;
    }
  }
  return l;
}

/** Per-group raw scores from a row-score vector. */
export function splitScores(y: Float32Array, offsets: number[]): number[][] {
  const out: number[][] = [];
  for (let g = 0; g + 1 < offsets.length; g++) {
    out.push(Array.from(y.subarray(offsets[g]!, offsets[g + 1]!)));
  }
  return out;
}

function argmax(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

/**
 * Build the model's input matrix: with group context the full layout;
 * without, only the image blocks (the original recipe).
 */
export function rankerInputs(
  groups: GroupMemberInput[][],
  layout: RankFeatureLayout,
  groupContext: boolean,
): { x: Float32Array; offsets: number[]; d: number } {
  if (groupContext) return { ...rankMatrix(groups, layout), d: rankInputSize(layout) };
  const full = rankMatrix(groups, { ...layout, deltas: false });
  const dFull = rankInputSize({ ...layout, deltas: false });
  const d = dFull - contextColumns({ ...layout, deltas: false });
  const n = full.offsets[full.offsets.length - 1]!;
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) x.set(full.x.subarray(i * dFull, i * dFull + d), i * d);
  return { x, offsets: full.offsets, d };
}

/**
 * Train a ranker.
 *
 * @param train Training sets.
 * @param val Validation sets (best epoch and temperature).
 * @param options Hyper-parameters.
 * @returns ONNX + metadata (temperature fitted; auto-approve left null).
 * @example
 * ```ts
 * declare const trainSets: Parameters<typeof trainRanker>[0], valSets: Parameters<typeof trainRanker>[1];
 * const ranker = await trainRanker(trainSets, valSets, { epochs: 20 });
 * ```
 */
export async function trainRanker(
  train: RankGroup[],
  val: RankGroup[],
  options: TrainRankerOptions = {},
): Promise<TrainedRanker> {
  const o = { ...defaults, ...options };
  if (train.length === 0) throw new RangeError("Cannot train ranker: no training sets");
  // The pixel signature is never an input itself: it feeds the transition columns.
  const imageNames = o.features.filter((f) => f !== SIGNATURE_BLOCK);
  const transitions = o.groupContext && o.features.includes(SIGNATURE_BLOCK);
  const layout: RankFeatureLayout = {
    image: inferFeatureSpec(train.flatMap((g) => g.members.map((m) => m.features)), imageNames),
    deltas: o.groupContext,
    ...(o.groupContext ? { projects: [...new Set(train.map((g) => g.project))].sort() } : {}),
    ...(transitions
      ? { transitions: true, transitionRef: transitionReference(train.map((g) => g.members)) }
      : {}),
    ...(transitions && o.projectTaste ? { tasteLocal: [...TASTE_FEATURES] } : {}),
    // The embedding's step from the stage below, usable where the pixels are gone.
    ...(o.groupContext && o.features.includes(CLIP_BLOCK) ? { clip: true } : {}),
  };
  const tr = rankerInputs(train.map((g) => g.members), layout, o.groupContext);
  const d = tr.d;
  const nRows = tr.offsets[tr.offsets.length - 1]!;
  const norm = standardiser(tr.x, nRows, d);
  applyStandardiser(tr.x, d, norm);
  const va = rankerInputs(val.map((g) => g.members), layout, o.groupContext);
  applyStandardiser(va.x, d, norm);
  const layers = [d, ...o.hidden, 1];
  const mlp = await Mlp.create(layers, { seed: o.seed, threads: o.threads });
  const weights = train.map((g) => (isAnomaly(g) ? o.anomalyWeight : 1) * (g.weight ?? 1));
  const valAnomaly = val.map(isAnomaly);

  const validate = async (): Promise<{ score: number; metrics: RankValMetrics }> => {
    const scores = splitScores(await mlp.predict(va.x, va.offsets.at(-1)!), va.offsets);
    let ok = 0, an = 0, anOk = 0;
    scores.forEach((s, g) => {
      const hit = argmax(s) === val[g]!.chosen;
      if (hit) ok++;
      if (valAnomaly[g]) {
        an++;
        if (hit) anOk++;
      }
    });
    const nll = groupNll(scores.map((s, g) => ({ scores: s, chosen: val[g]!.chosen })), 1);
    const metrics = { val_acc: ok / val.length, val_anomaly_acc: an ? anOk / an : 0, val_nll: nll };
    const score = o.select === "val_nll" ? -nll : metrics.val_anomaly_acc + 1e-3 * metrics.val_acc;
    return { score, metrics };
  };

  const loss: FitLoss = (y, dY, batch) => {
    let wSum = 0;
    for (const g of batch.items) wSum += weights[g]!;
    let l = 0;
    batch.items.forEach((g, b) => {
      const a = batch.offsets[b]!, n = batch.offsets[b + 1]! - a;
      const w = weights[g]! / wSum, chosen = train[g]!.chosen;
      if (o.loss === "listwise") l += listwiseLoss(y, dY, { at: a, n, chosen, weight: w });
      else l += hingeLoss(y, dY, { at: a, n, chosen, weight: w, margin: o.margin });
    });
    return { loss: l, weight: wSum };
  };

  const fit = await fitEpochs(mlp, { x: tr.x, offsets: tr.offsets, loss }, {
    seed: o.seed ^ 0x5bd1e995,
    epochs: o.epochs,
    batchItems: o.batchGroups,
    optimiser: { lr: o.lr, weightDecay: o.weightDecay },
    validate: val.length ? validate : null,
    patience: o.patience,
    minDelta: 1e-9,
    onEpoch: (row) => o.onEpoch(toRankEpoch(row)),
  });
  const history = fit.history.map(toRankEpoch);
  const bestEpoch = fit.bestEpoch;
  const valScores = val.length
    ? splitScores(await mlp.predict(va.x, va.offsets.at(-1)!), va.offsets)
    : [];
  const chosen = o.chain && layout.transitionRef
    ? chooseChain(train, val, valScores, layout, {
      taste: o.projectTaste ? TASTE_FEATURES : [],
      brokenWeight: o.anomalyWeight,
    })
    : null;
  const chain = chosen?.chain ?? null;
  const temperature = chosen?.temperature ??
    fitTemperature(valScores.map((s, g) => ({ scores: s, chosen: val[g]!.chosen })));
  const onnx = mlp.toOnnx(norm.mean, norm.invStd);
  await mlp.dispose();
  const { onEpoch: _cb, ...hyper } = o;
  return {
    onnx,
    meta: {
      kind: "ranker",
      identity: `ranker-${o.loss}-${layers.join("x")}${
        chain && chain.mix.chain > 0 ? "+chain" : ""
      }-s${o.seed}`,
      layout,
      group_context: o.groupContext,
      layers,
      temperature,
      auto_approve_threshold: null,
      hyperparameters: hyper,
      history,
      best_epoch: bestEpoch,
      created: new Date().toISOString(),
      ...(chain ? { chain } : {}),
    },
  };
}

/**
 * Fit the chain model on the training sets (penalty cross-validated there) and
 * pick how it joins the MLP score: the mix with the lowest validation NLL (each
 * at its own fitted temperature; the MLP alone wins ties). Null when it cannot
 * be fitted.
 */
function chooseChain(
  train: RankGroup[],
  val: RankGroup[],
  valScores: number[][],
  layout: RankFeatureLayout,
  fitOptions: { taste: readonly string[]; novelty?: boolean; brokenWeight: number },
): { chain: RankerChain; temperature: number } | null {
  /** Validation groups scored with one model and mix, the fitted temperature and its NLL. */
  const score = (logProbs: (number[] | null)[], mix: ChainMix) => {
    const groups = valScores.map((s, g) => ({
      scores: mixChainScores(s, logProbs[g]!, mix),
      chosen: val[g]!.chosen,
    }));
    const temperature = fitTemperature(groups);
    return { groups, temperature, nll: groupNll(groups, temperature) };
  };
  const fitted = fitChain(train, layout, fitOptions);
  if (!fitted) return null;
  const { model, penalty } = fitted;
  const best = {
    model,
    logProbs: val.map((g) => chainLogProbabilities(model, g.members, layout)),
  };
  let mix: ChainMix = CHAIN_MIXES[0]!, bestNll = Infinity, temperature = 1;
  const validation: Record<string, ChainValidation> = {};
  for (const m of CHAIN_MIXES) {
    const r = score(best.logProbs, m);
    let ok = 0, an = 0, anOk = 0;
    r.groups.forEach((x, g) => {
      const hit = argmax(x.scores) === x.chosen;
      if (hit) ok++;
      if (isAnomaly(val[g]!)) (an++, hit && anOk++);
    });
    validation[`${m.mlp}*mlp+${m.chain}*chain`] = {
      nll: r.nll,
      acc: ok / Math.max(1, r.groups.length),
      anomaly_acc: an ? anOk / an : 0,
    };
    if (r.nll < bestNll - 1e-9) (bestNll = r.nll), (mix = m), (temperature = r.temperature);
  }
  return {
    chain: { ...best.model, mix, validation, ...(penalty ? { cv_nll: penalty.cv_nll } : {}) },
    temperature,
  };
}

/** L2 penalties tried for the chain model (chosen by cross-validation on the sets it is fitted on). */
const CHAIN_PENALTIES = [0.1, 0.3, 1, 3, 10];

/** The chain model on some sets, its penalty cross-validated on them; null when it cannot be fitted. */
function fitChain(
  groups: ChainGroup[],
  layout: RankFeatureLayout,
  fitOptions: { taste: readonly string[]; novelty?: boolean; brokenWeight: number },
): { model: ChainModel; penalty: ChainPenaltyChoice | null } | null {
  // The penalty: cross-validated on the sets (lib/rank/choose_chain_penalty.ts).
  const penalty = chooseChainPenalty(groups, layout, {
    penalties: CHAIN_PENALTIES,
    fit: fitOptions,
  });
  // A history too small for every fold to hold a broken step: the largest penalty.
  const l2 = penalty?.l2 ?? Math.max(...CHAIN_PENALTIES);
  const model = fitChainModel(groups, layout, { l2, ...fitOptions });
  return model ? { model, penalty } : null;
}

/**
 * The ranker with its chain model fitted again on more sets — every logged set, once the
 * calibration (and, with enough sets, the mix) was chosen out of fold (lib/pipeline/train_models.ts) — instead of the
 * training split alone: the same layout, taste features and broken-step weight, the penalty
 * cross-validated on the new sets; mix and validation figures kept. A 15 % validation split
 * holds about one anomaly in seven, and which ones it took moved the held-out anomaly accuracy
 * of the chain model alone between 26 and 30 of 41 over five split seeds (all sets: 29 every
 * time; docs/quality.md). Unchanged when the ranker has no chain model or it cannot be fitted.
 *
 * @param model A trained ranker.
 * @param groups The sets to fit on (they should include the ranker's training sets).
 * @returns The ranker with the refitted chain model (`chain.refit_sets` set).
 * @example
 * ```ts
 * declare const model: TrainedRanker, logged: RankGroup[];
 * const final = refitRankerChain(model, logged);
 * ```
 */
export function refitRankerChain(model: TrainedRanker, groups: ChainGroup[]): TrainedRanker {
  const old = model.meta.chain;
  if (!old || !model.meta.layout.transitionRef) return model;
  const fitted = fitChain(groups, model.meta.layout, {
    taste: old.taste ?? [],
    novelty: old.novelty !== undefined,
    brokenWeight: old.broken_weight ?? 1,
  });
  if (!fitted) return model;
  const { mix, validation, out_of_fold } = old;
  const chain: RankerChain = {
    ...fitted.model,
    mix,
    validation,
    ...(out_of_fold ? { out_of_fold } : {}),
    ...(fitted.penalty ? { cv_nll: fitted.penalty.cv_nll } : {}),
    refit_sets: groups.length,
  };
  return { ...model, meta: { ...model.meta, chain } };
}
