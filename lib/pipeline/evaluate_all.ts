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
  isAnomaly,
  type RankEpoch,
  rankerFrom,
  type RankGroup,
  readRankerModel,
  refitRankerChain,
  trainRanker,
  type TrainRankerOptions,
} from "../rank/mod.ts";
import { CROP_FILES, type CropModelMeta, cropProposerFrom, subjectView } from "../crop/mod.ts";
import type { Box } from "../types.ts";
import { type Dataset, type KeyedCrop, setView, type SetViews } from "./dataset.ts";
import {
  accuracy,
  approvedScores,
  bandScores,
  calibrationOf,
  cropBaselines,
  cropScores,
  needsCropScores,
  randomAccuracy,
  type ReliabilityBin,
  scoreGroups,
  type SliceAccuracy,
  sliceAccuracy,
  splitBy,
} from "../eval/mod.ts";
import { splitOptionsFor } from "./train_models.ts";
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
  /**
   * Extra slices of the test sets (e.g. the simulator's outcome: "taste"), each reported as
   * `ranker.slices.<name>.<value>`; a slice function returning null leaves the set out.
   */
  slices?: Record<string, (g: RankGroup) => string | null>;
  /**
   * Defect kinds of a set (simulator ground truth): for each kind K, retrain without any set
   * carrying K and score the test anomalies that carry it (`ranker.leave_one_kind_out`).
   */
  defectKinds?: ((g: RankGroup) => string[]) | null;
}

const defaults = {
  modelDir: "data/ai_data/models",
  leaveOneProjectOut: true,
  original: true,
  onStep: () => {},
  slices: {} as Record<string, (g: RankGroup) => string | null>,
  defectKinds: null,
} satisfies Required<EvaluateOptions>;

/** Accuracy of a baseline by set kind. */
export interface BaselineDetail {
  normal_acc: number;
  anomaly_acc: number;
  overall_acc: number;
}

/** The evaluate JSON (keys are a contract: see docs/training.md, "evaluate and experiment"). */
export interface EvaluateResult {
  /**
   * Pairwise grouping scores on the held-out folders against ground truth, with
   * stage names and with them stripped (content only); set by experiments.
   */
  grouping?: GroupingEvaluation;
  /**
   * What the sets could be ranked from: the history's usable sets by the
   * features every member has (clip embedding, pixels, both), the sets that
   * could not be used by reason, and test accuracy per view ("both",
   * "pixels", "embedding" = clip only), beside highest stage on the same sets.
   */
  views: {
    history: SetViews | null;
    unusable: Record<string, number>;
    test_by_view: Record<string, SliceAccuracy>;
  };
  data: {
    test_source: "heldout" | "split";
    split_seed: number;
    train_sets: number;
    val_sets: number;
    test_sets: number;
    test_crops: number;
    training_data_hash: string | null;
    /** Logged sets matched to simulator ground truth (experiments only). */
    truth_matched?: number;
  };
  ranker: {
    model: string;
    normal_acc: number;
    anomaly_acc: number;
    overall_acc: number;
    n_normal: number;
    n_anomaly: number;
    by_project: Record<string, SliceAccuracy>;
    /** Per project on normal sets only (pick = highest stage), highest stage beside it. */
    by_project_normal: Record<string, SliceAccuracy>;
    /** Extra slices asked for (see {@linkcode EvaluateOptions.slices}). */
    slices: Record<string, Record<string, SliceAccuracy>>;
    /**
     * Per defect kind: anomaly accuracy on test sets carrying it, trained without it; `all`
     * pools the kinds (weighted by their test anomalies).
     */
    leave_one_kind_out: Record<string, SliceAccuracy>;
    by_group_size: Record<string, SliceAccuracy>;
    ece: number;
    /**
     * The ECE a perfectly calibrated ranker would show on these test sets at the same
     * confidences: median and 90th percentile over drawn outcomes (lib/eval `eceFloor`).
     */
    ece_floor: number;
    ece_floor_p90: number;
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
    baselines: {
      full_image: number;
      median_box: number;
      project_mean: number;
      project_median: number;
    };
    iou_histogram: { lo: number; hi: number; count: number }[];
    history: CropModelMeta["history"];
    /**
     * The subject-relative crop (absent without vision): share of test images where vision
     * found a subject, each project's chosen subject weight (0 learned only, 1 subject only,
     * -1 median box) and the learned proposer alone on the same test images.
     */
    subject?: {
      found: number;
      blend: Record<string, number>;
      learned_mean_iou: number;
      no_crop_found: number;
      no_crop_total: number;
    };
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
 * import type { Dataset } from "./dataset.ts";
 * declare const ds: Dataset;
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
    views: {
      history: ds.views ?? null,
      unusable: Object.fromEntries(
        Object.entries(ds.skipped).filter(([k, n]) => k.startsWith("set_") && n > 0),
      ),
      test_by_view: {},
    },
    ranker: null,
    crop: null,
  };

  if (rankerModel && testGroups.length > 0) {
    o.onStep("ranker: scoring test sets");
    const meta = rankerModel.meta;
    const ranker = rankerFrom(rankerModel);
    // The ranker's own probabilities: a group is calibrated at the temperature it is decided with.
    const scored = scoreGroups(testGroups, (m) => ranker.rank(m));
    const acc = accuracy(scored);
    result.views.test_by_view = sliceAccuracy(scored, (x) => setView(x.members));
    const cal = calibrationOf(scored);
    // A ranker with a band of its own (per project, suspicion cut) says which picks it approves.
    const band = meta.auto_approve
      ? approvedScores(
        testGroups.map((x) => ranker.rank(x.members).auto_approvable ?? false),
        scored.map((s) => s.correct),
      )
      : bandScores(
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
    // A ranker trained as the shipped one is (the chain model refitted on every set it may see)
    // on what a held-out-project or held-out-kind run may use, scored on what it holds out.
    const { onEpoch: _cb, ...rest } = hyper as TrainRankerOptions & { onEpoch?: unknown };
    const heldOutAccuracy = async (
      train: RankGroup[],
      val: RankGroup[],
      test: RankGroup[],
    ): Promise<SliceAccuracy> => {
      const model = refitRankerChain(await trainRanker(train, val, { ...rest, seed }), [
        ...train,
        ...val,
      ]);
      const r = rankerFrom(model);
      const s = scoreGroups(test, (m) => r.rank(m).scores);
      const h = scoreGroups(test, highestStageScores);
      return {
        n: s.length,
        acc: s.filter((x) => x.correct).length / s.length,
        highest_stage: h.filter((x) => x.correct).length / h.length,
      };
    };
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
        lopo[p] = await heldOutAccuracy(trainP, valP, testP);
      }
    }
    const slices: Record<string, Record<string, SliceAccuracy>> = {};
    for (const [name, fn] of Object.entries(o.slices)) {
      const keep = scored.filter((x) => fn(x.group) !== null);
      slices[name] = sliceAccuracy(keep, (x) => fn(x) ?? "");
    }
    const lokko: Record<string, SliceAccuracy> = {};
    if (o.defectKinds) {
      const kindsOf = o.defectKinds;
      const kinds = [...new Set(testGroups.filter(isAnomaly).flatMap(kindsOf))].sort();
      for (const k of kinds) {
        o.onStep(`leave-one-defect-kind-out: ${k}`);
        const without = (x: RankGroup) => !kindsOf(x).includes(k);
        const testK = testGroups.filter((x) => isAnomaly(x) && kindsOf(x).includes(k));
        const trainK = g.train.filter(without);
        if (trainK.length === 0 || testK.length === 0) continue;
        lokko[k] = await heldOutAccuracy(trainK, g.val.filter(without), testK);
      }
    }
    const kindRows = Object.values(lokko);
    if (kindRows.length > 0) {
      // Pooled over kinds: every held-out-kind anomaly counted once per kind it carries.
      const n = kindRows.reduce((a, r) => a + r.n, 0);
      lokko["all"] = {
        n,
        acc: kindRows.reduce((a, r) => a + r.acc * r.n, 0) / n,
        highest_stage: kindRows.reduce((a, r) => a + r.highest_stage * r.n, 0) / n,
      };
    }
    result.ranker = {
      model: meta.identity,
      ...acc,
      by_project: sliceAccuracy(scored, (x) => x.project),
      by_group_size: sliceAccuracy(scored, (x) => String(x.members.length)),
      ece: cal.ece,
      ece_floor: cal.floor.median,
      ece_floor_p90: cal.floor.p90,
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
      by_project_normal: sliceAccuracy(scored.filter((x) => !x.anomaly), (x) => x.project),
      slices,
      leave_one_kind_out: lokko,
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
    if (cropModel.meta.subject && cropModel.meta.blend) {
      const { subject: _s, blend: _b, ...plain } = cropModel.meta;
      const learned = cropProposerFrom({ onnx: cropModel.onnx, meta: plain });
      const noCrop = testCrops.filter((x) => x.example.no_crop).length;
      result.crop.subject = {
        found: testCrops.filter((x) => subjectView(x.example.member) !== null).length /
          testCrops.length,
        blend: cropModel.meta.blend.projects,
        learned_mean_iou: cropScores(
          testCrops.map((x) => learned.propose(x.example.member).box),
          targets,
        ).mean_iou,
        no_crop_found: testCrops.filter((x, i) => x.example.no_crop && props[i]!.needs_crop < 0.5)
          .length,
        no_crop_total: noCrop,
      };
    }
  }
  return result;
}
