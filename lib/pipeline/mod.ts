/**
 * One entry point per pipeline step, on the creator's stored data or on a
 * fresh simulation: load the dataset (ingested labels + image features),
 * train both models, evaluate them against baselines (and the pixel-free
 * crop evaluation on a real crop log), write the report, and run whole
 * experiments. The metrics themselves are `lib/eval`'s.
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
