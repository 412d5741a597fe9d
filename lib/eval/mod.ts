/**
 * Metrics, and nothing that trains or loads: group splits, ranking accuracy
 * (by set kind, by slice, against "highest stage wins" and random),
 * calibration (reliability, ECE, the auto-approve band), crop IoU and
 * baselines, label coverage (found / missing, with examples), and merging
 * repeated runs. The steps that produce the numbers live in `lib/pipeline`.
 *
 * @example
 * ```ts
 * import { ece } from "../eval/mod.ts";
 * const e: number = ece([0.9, 0.6], [true, false]);
 * ```
 *
 * @module
 */
export { splitBy } from "./splits.ts";
export type { SplitOptions } from "./splits.ts";
export {
  accuracy,
  calibrationOf,
  randomAccuracy,
  scoreGroups,
  sliceAccuracy,
} from "./rank_metrics.ts";
export type { SliceAccuracy } from "./rank_metrics.ts";
export {
  approvedScores,
  autoApproveThreshold,
  bandScores,
  ece,
  eceFloor,
  formatEceFloor,
} from "./calibration.ts";
export type { EceFloor, EceFloorOptions, ReliabilityBin } from "./calibration.ts";
export { cropBaselines, cropScores, needsCropScores } from "./crop_metrics.ts";
export {
  coverageErrors,
  CoverageTally,
  cropKind,
  formatCoverage,
  indexResolver,
  rootResolver,
} from "./label_coverage.ts";
export type { Coverage, ImageResolver, KindCoverage, LabelKind } from "./label_coverage.ts";
export { aggregateRuns } from "./aggregate_runs.ts";
