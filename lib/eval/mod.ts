/**
 * Honest evaluation: group splits, datasets from ingested logs + features,
 * training both models, metrics (accuracy by set kind, calibration, the
 * auto-approve band, crop IoU), baselines, reports, and the pixel-free crop
 * evaluation on a real crop log.
 *
 * @module
 */
export { evaluateCropPixelFree } from "./crop_pixel_free.ts";
export { readCropLog } from "./read_crop_log.ts";
export {
  buildDataset,
  datasetPaths,
  groundTruthPaths,
  heldoutFromGroundTruth,
  REVIEW_WEIGHT,
} from "./dataset.ts";
export { indexForStore } from "./index_for_store.ts";
export { coverageErrors, formatCoverage, indexResolver } from "./label_coverage.ts";
export type { Coverage, KindCoverage } from "./label_coverage.ts";
export type { Dataset, GroundTruthLike } from "./dataset.ts";
export { AUTO_APPROVE_PRECISION, trainModels } from "./train_models.ts";
export { evaluateAll } from "./evaluate_all.ts";
export type { EvaluateResult } from "./evaluate_all.ts";
export { writeReport } from "./write_report.ts";
export { runExperiment } from "./run_experiment.ts";
export { evaluateStored } from "./evaluate_stored.ts";
export type { EvaluateStoredOptions, EvaluateStoredResult } from "./evaluate_stored.ts";
export { runEmbeddingScenario } from "./run_embedding_scenario.ts";
export type { EmbeddingScenarioResult } from "./run_embedding_scenario.ts";
export type { ExperimentResult } from "./run_experiment.ts";
export { aggregateRuns } from "./aggregate_runs.ts";
