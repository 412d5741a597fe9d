/**
 * Crop metrics and constant-box baselines.
 *
 * @module
 */
import type { Box } from "../types.ts";
import { iou, median } from "../math/mod.ts";

/** Box quality over a set of images. */
export interface CropScores {
  n: number;
  mean_iou: number;
  median_iou: number;
  share_iou_gt_0_7: number;
  /** Share whose four coordinates are all within 0.05 (the original's "crop_match"). */
  share_corners_within_0_05: number;
}

/** Needs-crop classification at threshold 0.5. */
export interface NeedsCropScores {
  precision: number;
  recall: number;
  /** Share of positives (cropped) among the labels. */
  base_rate: number;
}

/**
 * Score predicted boxes against targets.
 *
 * @param predicted Boxes, same order as `targets`.
 * @param targets Human boxes.
 * @returns Mean/median IoU, share IoU > 0.7, corner match share.
 * @example
 * ```ts
 * cropScores([[0, 0, 1, 1]], [[0, 0, 1, 1]]).mean_iou; // 1
 * ```
 */
export function cropScores(predicted: Box[], targets: Box[]): CropScores {
  const ious = targets.map((t, i) => iou(predicted[i]!, t));
  const n = ious.length;
  const corners =
    targets.filter((t, i) => t.every((v, k) => Math.abs(v - predicted[i]![k]!) <= 0.05))
      .length;
  return {
    n,
    mean_iou: n ? ious.reduce((a, b) => a + b, 0) / n : 0,
    median_iou: median(ious),
    share_iou_gt_0_7: n ? ious.filter((v) => v > 0.7).length / n : 0,
    share_corners_within_0_05: n ? corners / n : 0,
  };
}

/**
 * Precision and recall of "needs crop" at probability ≥ 0.5.
 *
 * @param probabilities Predicted probabilities.
 * @param labels True when the person cropped.
 * @returns Precision, recall, base rate.
 * @example
 * ```ts
 * needsCropScores([0.9, 0.2], [true, false]); // precision 1, recall 1
 * ```
 */
export function needsCropScores(probabilities: number[], labels: boolean[]): NeedsCropScores {
  let tp = 0, fp = 0, fn = 0;
  labels.forEach((y, i) => {
    const p = probabilities[i]! >= 0.5;
    if (p && y) tp++;
    else if (p && !y) fp++;
    else if (!p && y) fn++;
  });
  return {
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: tp + fn ? tp / (tp + fn) : 0,
    base_rate: labels.length ? labels.filter(Boolean).length / labels.length : 0,
  };
}

/** Per-coordinate mean box (`[0,0,1,1]` when empty). */
export function meanBox(boxes: Box[]): Box {
  if (boxes.length === 0) return [0, 0, 1, 1];
  const s = [0, 0, 0, 0];
  for (const b of boxes) b.forEach((v, i) => (s[i]! += v));
  return s.map((v) => v / boxes.length) as Box;
}

/**
 * The constant-box baselines on one split: full image, per-coordinate median
 * of the training boxes, per-project mean and per-project median of the training boxes.
 *
 * @param train Training boxes with projects.
 * @param test Test boxes with projects.
 * @returns Mean IoU of each baseline on the test boxes.
 * @example
 * ```ts
 * declare const trainRows: { project: string; box: Box }[], testRows: { project: string; box: Box }[];
 * import type { Box } from "../types.ts";
 * cropBaselines(trainRows, testRows).median_box;
 * ```
 */
export function cropBaselines(
  train: { project: string; box: Box }[],
  test: { project: string; box: Box }[],
): { full_image: number; median_box: number; project_mean: number; project_median: number } {
  const med = [0, 1, 2, 3].map((i) => median(train.map((r) => r.box[i]!))) as Box;
  const byProject = new Map<string, Box[]>();
  for (const r of train) byProject.set(r.project, [...(byProject.get(r.project) ?? []), r.box]);
  const global = meanBox(train.map((r) => r.box));
  const projectMean = new Map([...byProject].map(([p, b]) => [p, meanBox(b)]));
  const projectMedian = new Map(
    [...byProject].map((
      [p, b],
    ) => [p, [0, 1, 2, 3].map((i) => median(b.map((x) => x[i]!))) as Box]),
  );
  const targets = test.map((r) => r.box);
  return {
    full_image: cropScores(test.map(() => [0, 0, 1, 1] as Box), targets).mean_iou,
    median_box: cropScores(test.map(() => med), targets).mean_iou,
    project_mean:
      cropScores(test.map((r) => projectMean.get(r.project) ?? global), targets).mean_iou,
    project_median:
      cropScores(test.map((r) => projectMedian.get(r.project) ?? med), targets).mean_iou,
  };
}
