/**
 * `evaluateAll()`: score the saved models on the test groups (a seeded
 * group split, or the simulator's held-out groups) beside the baselines —
 * highest stage, random, the original recipe retrained on the same split —
 * plus calibration, the auto-approve band, leave-one-project-out and crops.
 *
 * @module
 */
import type { GroupingEvaluation } from "../group/mod.ts";
import { join } from "node:path";
import {
  highestStageScores,
  type RankEpoch,
  rankerFrom,
  readRankerModel,
  trainRanker,
  type TrainRankerOptions,
} from "../rank/mod.ts";
import { CROP_FILES, type CropModelMeta, cropProposerFrom } from "../crop/mod.ts";
import type { Box } from "../types.ts";
import type { Dataset, KeyedCrop } from "./dataset.ts";
import { splitBy } from "./splits.ts";
import { splitOptionsFor } from "./train_models.ts";
import {
  accuracy,
  calibrationOf,
  randomAccuracy,
  scoreGroups,
  type SliceAccuracy,
  sliceAccuracy,
} from "./rank_metrics.ts";
import { bandScores, type ReliabilityBin } from "./calibration.ts";
import { cropBaselines, cropScores, needsCropScores } from "./crop_metrics.ts";
import { iou } from "../math/mod.ts";

/** The original tool's ranker recipe (v3) as a baseline config. */
export const ORIGINAL_RECIPE: TrainRankerOptions = {
  hidden: [256, 64],
  loss: "hinge",
  margin: 0.5,
  anomalyWeight: 10,
  select: "val_anomaly_acc",
  groupContext: false,
  lr: 1e-3,
  weightDecay: 0,
};

/** Options for {@linkcode evaluateAll}. */
export interface EvaluateOptions {
  /** Folder with the saved models. */
  modelDir?: string;
  /** Retrain per left-out project (skipped with fewer than two projects). */
  leaveOneProjectOut?: boolean;
  /** Retrain the original recipe on the same split. */
  original?: boolean;
  /** Progress lines. */
  onStep?: (step: string) => void;
}

const defaults = {
  modelDir: "data/ai_data/models",
  leaveOneProjectOut: true,
  original: true,
  onStep: () => {},
} satisfies Required<EvaluateOptions>;

/** Accuracy of a baseline by set kind. */
export interface BaselineDetail {
  normal_acc: number;
  anomaly_acc: number;
  overall_acc: number;
}

/** The evaluate JSON (keys are a contract: see README `train`). */
export interface EvaluateResult {
  /**
   * Pairwise grouping scores on the held-out folders against ground truth, with
   * stage names and with them stripped (content only); set by experiments.
   */
  grouping?: GroupingEvaluation;
  data: {
    test_source: "heldout" | "split";
    split_seed: number;
    train_sets: number;
    val_sets: number;
    test_sets: number;
    test_crops: number;
    training_data_hash: string | null;
  };
  ranker: {
    model: string;
    normal_acc: number;
    anomaly_acc: number;
    overall_acc: number;
    n_normal: number;
    n_anomaly: number;
    by_project: Record<string, SliceAccuracy>;
    by_group_size: Record<string, SliceAccuracy>;
    ece: number;
    reliability: ReliabilityBin[];
    temperature: number;
    auto_approve: { threshold: number | null; precision: number | null; coverage: number };
    /** Overall accuracy of each baseline on the same test sets. */
    baselines: { highest_stage: number; random: number; original: number | null };
    baselines_detail: Record<string, BaselineDetail>;
    leave_one_project_out: Record<string, SliceAccuracy>;
    history: RankEpoch[];
  } | null;
  crop: {
    model: string;
    n: number;
    mean_iou: number;
    median_iou: number;
    share_iou_gt_0_7: number;
    share_corners_within_0_05: number;
    needs_crop: { precision: number; recall: number; base_rate: number };
    baselines: { full_image: number; median_box: number; project_mean: number };
    iou_histogram: { lo: number; hi: number; count: number }[];
    history: CropModelMeta["history"];
  } | null;
}

async function readCrop(dir: string): Promise<{ onnx: Uint8Array; meta: CropModelMeta } | null> {
  try {
    return {
      onnx: await Deno.readFile(join(dir, CROP_FILES.onnx)),
      meta: JSON.parse(await Deno.readTextFile(join(dir, CROP_FILES.meta))),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function triple(a: { normal_acc: number; anomaly_acc: number; overall_acc: number }) {
  return { normal_acc: a.normal_acc, anomaly_acc: a.anomaly_acc, overall_acc: a.overall_acc };
}

/**
 * Evaluate the saved models on a dataset.
 *
 * @param ds Dataset (same one the models were trained on).
 * @param options Model folder, which extras to run, progress.
 * @returns The evaluate object.
 * @example
 * ```ts
 * const result = await evaluateAll(ds, { modelDir: "data/ai_data/models" });
 * console.log(result.ranker?.overall_acc);
 * ```
 */
export async function evaluateAll(
  ds: Dataset,
  options: EvaluateOptions = {},
): Promise<EvaluateResult> {
  const o = { ...defaults, ...options };
  let rankerModel = null;
  try {
    rankerModel = await readRankerModel(o.modelDir);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const cropModel = await readCrop(o.modelDir);
  if (!rankerModel && !cropModel) {
    throw new Error(`Cannot evaluate: no models in "${o.modelDir}" (run deno task train first)`);
  }
  const seed = rankerModel?.meta.split_seed ?? cropModel?.meta.split_seed ?? 1;
  const split = splitOptionsFor(ds, seed);
  const g = splitBy(ds.groups, (x) => x.id, split);
  const c = splitBy(ds.crops, (x) => x.key, split);
  const testGroups = ds.heldout ? ds.heldout.groups : g.test;
  const testCrops: KeyedCrop[] = ds.heldout ? ds.heldout.crops : c.test;
  const result: EvaluateResult = {
    data: {
      test_source: ds.heldout ? "heldout" : "split",
      split_seed: seed,
      train_sets: g.train.length,
      val_sets: g.val.length,
      test_sets: testGroups.length,
      test_crops: testCrops.length,
      training_data_hash: rankerModel?.meta.training_data_hash ?? null,
    },
    ranker: null,
    crop: null,
  };

  if (rankerModel && testGroups.length > 0) {
    o.onStep("ranker: scoring test sets");
    const meta = rankerModel.meta;
    const ranker = rankerFrom(rankerModel);
    const scorer = (m: Parameters<typeof ranker.rank>[0]) => ranker.rank(m).scores;
    const scored = scoreGroups(testGroups, scorer, meta.temperature);
    const acc = accuracy(scored);
    const cal = calibrationOf(scored);
    const band = bandScores(
      scored.map((s) => s.confidence),
      scored.map((s) => s.correct),
      meta.auto_approve_threshold,
    );
    const highest = accuracy(scoreGroups(testGroups, highestStageScores));
    const random = randomAccuracy(testGroups);
    let original: BaselineDetail | null = null;
    const hyper = meta.hyperparameters as TrainRankerOptions;
    if (o.original && g.train.length > 0) {
      o.onStep("baseline: training the original recipe on the same split");
      const model = await trainRanker(g.train, g.val, {
        features: hyper.features ?? ["builtin", "embedding"],
        epochs: hyper.epochs ?? 40,
        threads: hyper.threads ?? 0,
        seed,
        ...ORIGINAL_RECIPE,
      });
      const r = rankerFrom(model);
      original = triple(accuracy(scoreGroups(testGroups, (m) => r.rank(m).scores)));
    }
    const lopo: Record<string, SliceAccuracy> = {};
    const projects = [...new Set(ds.groups.map((x) => x.project))].sort();
    if (o.leaveOneProjectOut && projects.length >= 2) {
      for (const p of projects) {
        o.onStep(`leave-one-project-out: ${p}`);
        const trainP = g.train.filter((x) => x.project !== p);
        const valP = g.val.filter((x) => x.project !== p);
        const testP = ds.heldout
          ? ds.heldout.groups.filter((x) => x.project === p)
          : ds.groups.filter((x) => x.project === p);
        if (trainP.length === 0 || testP.length === 0) continue;
        const { onEpoch: _cb, ...rest } = hyper as TrainRankerOptions & { onEpoch?: unknown };
        const model = await trainRanker(trainP, valP, { ...rest, seed });
        const r = rankerFrom(model);
        const s = scoreGroups(testP, (m) => r.rank(m).scores);
        const h = scoreGroups(testP, highestStageScores);
        lopo[p] = {
          n: s.length,
          acc: s.filter((x) => x.correct).length / s.length,
          highest_stage: h.filter((x) => x.correct).length / h.length,
        };
      }
    }
    result.ranker = {
      model: meta.identity,
      ...acc,
      by_project: sliceAccuracy(scored, (x) => x.project),
      by_group_size: sliceAccuracy(scored, (x) => String(x.members.length)),
      ece: cal.ece,
      reliability: cal.reliability,
      temperature: meta.temperature,
      auto_approve: {
        threshold: meta.auto_approve_threshold,
        precision: band.precision,
        coverage: band.coverage,
      },
      baselines: {
        highest_stage: highest.overall_acc,
        random: random.overall_acc,
        original: original?.overall_acc ?? null,
      },
      baselines_detail: {
        highest_stage: triple(highest),
        random: triple(random),
        ...(original ? { original } : {}),
      },
      leave_one_project_out: lopo,
      history: meta.history,
    };
  }

  if (cropModel && testCrops.length > 0) {
    o.onStep("crop: scoring test images");
    const proposer = cropProposerFrom(cropModel);
    const props = testCrops.map((x) => proposer.propose(x.example.member));
    const targets = testCrops.map((x) => x.example.box);
    const boxes: Box[] = props.map((p) => p.box);
    const scores = cropScores(boxes, targets);
    const fit = [...c.train, ...c.val];
    const ious = targets.map((t, i) => iou(boxes[i]!, t));
    result.crop = {
      model: cropModel.meta.identity,
      ...scores,
      needs_crop: needsCropScores(
        props.map((p) => p.needs_crop),
        testCrops.map((x) => !x.example.no_crop),
      ),
      baselines: cropBaselines(
        fit.map((x) => ({ project: x.example.member.project, box: x.example.box })),
        testCrops.map((x) => ({ project: x.example.member.project, box: x.example.box })),
      ),
      iou_histogram: Array.from({ length: 20 }, (_, b) => ({
        lo: b / 20,
        hi: (b + 1) / 20,
        count: ious.filter((v) => (b === 0 ? v >= 0 : v > b / 20) && v <= (b + 1) / 20).length,
      })),
      history: cropModel.meta.history,
    };
  }
  return result;
}
