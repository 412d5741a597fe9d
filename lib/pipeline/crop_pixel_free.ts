/**
 * Pixel-free crop evaluation on a real crop log: the crop proposer with no
 * image features (size, stage, project only), random test split, mean over
 * seeds, beside the constant-box baselines on the same splits.
 *
 * @module
 */
import type { CropLabel, GroupMemberInput } from "../types.ts";
import {
  type CropExample,
  cropMatrix,
  decodeCropRow,
  type TrainCropOptions,
  trainCropProposer,
} from "../crop/mod.ts";
import { OnnxModel } from "../nn/mod.ts";
import { mulberry32, shuffle } from "../random/mod.ts";
import { cropBaselines, cropScores, needsCropScores } from "../eval/mod.ts";

/** Options for {@linkcode evaluateCropPixelFree}. */
export interface PixelFreeOptions {
  /** Seeds (one split + training run each). */
  seeds?: number[];
  /** Share of rows held out as test. */
  testFraction?: number;
  /** Share of the remaining rows used for early stopping. */
  valFraction?: number;
  /** Training overrides. */
  train?: TrainCropOptions;
  /** Called after each seed. */
  onSeed?: (seed: number, meanIou: number) => void;
}

const defaults = {
  seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  testFraction: 0.15,
  valFraction: 0.1,
  train: {},
  onSeed: () => {},
} satisfies Required<PixelFreeOptions>;

/** Result of {@linkcode evaluateCropPixelFree} (means over seeds). */
export interface PixelFreeResult {
  rows: number;
  seeds: number;
  test_fraction: number;
  mean_iou: number;
  mean_iou_std: number;
  median_iou: number;
  share_iou_gt_0_7: number;
  share_corners_within_0_05: number;
  needs_crop: { precision: number; recall: number; base_rate: number };
  baselines: { full_image: number; median_box: number; project_mean: number };
  per_seed: { seed: number; mean_iou: number; median_box: number }[];
}

/** A crop label as a member with empty image features. */
export function pixelFreeExample(label: CropLabel): CropExample {
  const member: GroupMemberInput = {
    path: label.image.path,
    project: label.project,
    stage: label.image.stage,
    width: label.width,
    height: label.height,
    features: {
      sha256: "",
      width: label.width,
      height: label.height,
      phash: [0, 0],
      builtin: new Float32Array(0),
      embedding: null,
    },
  };
  return { member, box: label.box, no_crop: label.no_crop };
}

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);

/**
 * Evaluate the pixel-free crop proposer over several random splits.
 *
 * @param labels Crop labels (e.g. the real `select_crop_log.csv`, ingested).
 * @param options Seeds, split fractions, training overrides.
 * @returns Means over seeds of the proposer and the baselines.
 * @example
 * ```ts
 * import type { CropLabel } from "../types.ts";
 * declare const labels: CropLabel[];
 * const r = await evaluateCropPixelFree(labels, { seeds: [1, 2] });
 * ```
 */
export async function evaluateCropPixelFree(
  labels: CropLabel[],
  options: PixelFreeOptions = {},
): Promise<PixelFreeResult> {
  const o = { ...defaults, ...options };
  if (labels.length < 20) {
    throw new RangeError(`Cannot evaluate crops: only "${labels.length}" labels`);
  }
  const examples = labels.map(pixelFreeExample);
  const runs: {
    scores: ReturnType<typeof cropScores>;
    needs: ReturnType<typeof needsCropScores>;
    base: ReturnType<typeof cropBaselines>;
    seed: number;
  }[] = [];
  for (const seed of o.seeds) {
    const idx = shuffle(examples.map((_, i) => i), mulberry32(seed));
    const nTest = Math.round(idx.length * o.testFraction);
    const test = idx.slice(0, nTest).map((i) => examples[i]!);
    const rest = idx.slice(nTest).map((i) => examples[i]!);
    const nVal = Math.round(rest.length * o.valFraction);
    const val = rest.slice(0, nVal), train = rest.slice(nVal);
    const model = await trainCropProposer(train, val, {
      hidden: [32],
      epochs: 60,
      l1: 0.05,
      features: [],
      ...o.train,
      seed,
    });
    const inputSize = model.meta.layers[0]!;
    const runner = await OnnxModel.load(model.onnx, inputSize);
    const y = await runner.run(
      cropMatrix(test.map((e) => e.member), model.meta.layout),
      test.length,
    );
    await runner.dispose();
    const decoded = test.map((_, i) => decodeCropRow(y, i));
    const scores = cropScores(decoded.map((d) => d.box), test.map((e) => e.box));
    const needs = needsCropScores(decoded.map((d) => d.needs), test.map((e) => !e.no_crop));
    // Baselines fit on train + validation (everything the model could see).
    const base = cropBaselines(
      rest.map((e) => ({ project: e.member.project, box: e.box })),
      test.map((e) => ({ project: e.member.project, box: e.box })),
    );
    runs.push({ scores, needs, base, seed });
    o.onSeed(seed, scores.mean_iou);
  }
  const m = mean(runs.map((r) => r.scores.mean_iou));
  return {
    rows: labels.length,
    seeds: runs.length,
    test_fraction: o.testFraction,
    mean_iou: m,
    mean_iou_std: Math.sqrt(mean(runs.map((r) => (r.scores.mean_iou - m) ** 2))),
    median_iou: mean(runs.map((r) => r.scores.median_iou)),
    share_iou_gt_0_7: mean(runs.map((r) => r.scores.share_iou_gt_0_7)),
    share_corners_within_0_05: mean(runs.map((r) => r.scores.share_corners_within_0_05)),
    needs_crop: {
      precision: mean(runs.map((r) => r.needs.precision)),
      recall: mean(runs.map((r) => r.needs.recall)),
      base_rate: mean(runs.map((r) => r.needs.base_rate)),
    },
    baselines: {
      full_image: mean(runs.map((r) => r.base.full_image)),
      median_box: mean(runs.map((r) => r.base.median_box)),
      project_mean: mean(runs.map((r) => r.base.project_mean)),
    },
    per_seed: runs.map((r) => ({
      seed: r.seed,
      mean_iou: r.scores.mean_iou,
      median_box: r.base.median_box,
    })),
  };
}
