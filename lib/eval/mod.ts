/**
 * Honest evaluation: group splits, datasets from ingested logs + features,
 * training both models, metrics (accuracy by set kind, calibration, the
 * auto-approve band, crop IoU), baselines, reports, and the pixel-free crop
 * evaluation on a real crop log.
 *
 * @module
 */
export {
  approvedScores,
  autoApproveThreshold,
  bandScores,
  ece,
  reliability,
} from "./calibration.ts";
export type { ReliabilityBin } from "./calibration.ts";
export { splitBy, splitOf } from "./splits.ts";
export type { SplitOptions, SplitPart } from "./splits.ts";
export {
  accuracy,
  calibrationOf,
  randomAccuracy,
  scoreGroups,
  sliceAccuracy,
} from "./rank_metrics.ts";
export type { AccuracyTriple, ScoredGroup, SliceAccuracy } from "./rank_metrics.ts";
export { cropBaselines, cropScores, meanBox, needsCropScores } from "./crop_metrics.ts";
export type { CropScores, NeedsCropScores } from "./crop_metrics.ts";
export { evaluateCropPixelFree, pixelFreeExample } from "./crop_pixel_free.ts";
export type { PixelFreeOptions, PixelFreeResult } from "./crop_pixel_free.ts";
export { readCropLog } from "./read_crop_log.ts";
export {
  buildDataset,
  datasetHash,
  datasetPaths,
  groundTruthPaths,
  heldoutFromGroundTruth,
  REVIEW_WEIGHT,
  setView,
} from "./dataset.ts";
export { indexForStore } from "./index_for_store.ts";
export {
  coverageErrors,
  cropKind,
  formatCoverage,
  indexResolver,
  LABEL_KINDS,
  rootResolver,
} from "./label_coverage.ts";
export type {
  Coverage,
  CoverageCounts,
  CoverageErrorsOptions,
  ImageResolver,
  KindCoverage,
  LabelKind,
  MissingExample,
  ResolvedImage,
} from "./label_coverage.ts";
export type {
  BuildDatasetOptions,
  Dataset,
  GroundTruthLike,
  KeyedCrop,
  SetView,
  SetViews,
} from "./dataset.ts";
export { AUTO_APPROVE_PRECISION, splitOptionsFor, trainModels } from "./train_models.ts";
export type { TrainModelsOptions, TrainModelsResult } from "./train_models.ts";
export { evaluateAll, ORIGINAL_RECIPE } from "./evaluate_all.ts";
export type { BaselineDetail, EvaluateOptions, EvaluateResult } from "./evaluate_all.ts";
export { reportCharts, reportMarkdown, writeReport } from "./write_report.ts";
export { runExperiment } from "./run_experiment.ts";
export { evaluateStored } from "./evaluate_stored.ts";
export type { EvaluateStoredOptions, EvaluateStoredResult } from "./evaluate_stored.ts";
export { runEmbeddingScenario } from "./run_embedding_scenario.ts";
export type {
  EmbeddingScenarioOptions,
  EmbeddingScenarioResult,
  ScenarioArm,
} from "./run_embedding_scenario.ts";
export type { ExperimentOptions, ExperimentResult } from "./run_experiment.ts";
export { aggregateRuns } from "./aggregate_runs.ts";
export type { AggregateOptions } from "./aggregate_runs.ts";
