/**
 * One entry point per pipeline step, on the creator's stored data or on a
 * fresh simulation; the metrics themselves are `lib/eval`'s.
 *
 * - Load the dataset: {@linkcode loadDataset}`(ingested, options)` — read the
 *   store, find its images, compute features, join labels with features.
 * - Train: {@linkcode trainStored}`(ingested, options)` (`deno task train`);
 *   {@linkcode trainModels}`(dataset, options)` on a loaded dataset.
 * - Evaluate: {@linkcode evaluateStored}`(ingested, models, options)`
 *   (`deno task evaluate`), {@linkcode evaluateCropLog}`(csv, projectMap)`
 *   (`--pixel-free`); {@linkcode evaluateAll}`(dataset, options)`.
 * - Experiment: {@linkcode runExperiments}`(options)` (`deno task experiment`),
 *   {@linkcode runExperiment}, {@linkcode runEmbeddingScenario}.
 *
 * @example
 * ```ts
 * import { trainStored } from "../pipeline/mod.ts";
 * const { summary } = await trainStored("data/ingested", { images: ["art"] });
 * ```
 *
 * @module
 */
export { buildDataset, heldoutFromGroundTruth } from "./dataset.ts";
export type { Dataset } from "./dataset.ts";
export { defaultFeatures, loadDataset } from "./load_dataset.ts";
export type { LoadedDataset } from "./load_dataset.ts";
export { AUTO_APPROVE_PRECISION, trainModels } from "./train_models.ts";
export { trainStored } from "./train_stored.ts";
export { evaluateAll } from "./evaluate_all.ts";
export type { EvaluateResult } from "./evaluate_all.ts";
export { evaluateStored } from "./evaluate_stored.ts";
export { evaluateCropLog } from "./evaluate_crop_log.ts";
export { runEvaluate } from "./run_evaluate.ts";
export type { EvaluateOutcome, EvaluateRequest } from "./run_evaluate.ts";
export { runExperiment } from "./run_experiment.ts";
export type { ExperimentResult } from "./run_experiment.ts";
export { runExperiments } from "./run_experiments.ts";
export { runEmbeddingScenario } from "./run_embedding_scenario.ts";
export type { EmbeddingScenarioResult } from "./run_embedding_scenario.ts";
export { runExperimentRequest } from "./run_experiment_request.ts";
export type { ExperimentOutcome, ExperimentRequest } from "./run_experiment_request.ts";
