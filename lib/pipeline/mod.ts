/**
 * One entry point per pipeline step, on the creator's stored data or on a
 * fresh simulation; the metrics themselves are `lib/eval`'s.
 *
 * - Load the dataset: {@linkcode loadDataset}`(ingested, options)` — read the
 *   store, find its images, compute features, join labels with features.
 * - Train: {@linkcode trainStored}`(ingested, options)` (`deno task train`);
 *   {@linkcode trainModels}`(dataset, options)` on a loaded dataset.
 * - Evaluate: {@linkcode runEvaluate}`(request)` (`deno task evaluate`: the
 *   stored models, {@linkcode evaluateStored}`(ingested, models, options)`, or
 *   a crop log `--pixel-free`); {@linkcode evaluateAll}`(dataset, options)`.
 * - Experiment: {@linkcode runExperimentRequest}`(request)` (`deno task
 *   experiment`: experiments over split seeds or the embeddings-only
 *   scenario); {@linkcode runExperiment} for one run.
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
export { loadDataset } from "./load_dataset.ts";
export type { LoadedDataset } from "./load_dataset.ts";
export { AUTO_APPROVE_PRECISION, trainModels } from "./train_models.ts";
export { trainStored } from "./train_stored.ts";
export { evaluateAll } from "./evaluate_all.ts";
export type { EvaluateResult } from "./evaluate_all.ts";
export { evaluateStored } from "./evaluate_stored.ts";
export { runEvaluate } from "./run_evaluate.ts";
export { runExperiment } from "./run_experiment.ts";
export type { ExperimentResult } from "./run_experiment.ts";
export type { EmbeddingScenarioResult } from "./run_embedding_scenario.ts";
export { runExperimentRequest } from "./run_experiment_request.ts";
