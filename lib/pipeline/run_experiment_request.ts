/**
 * `runExperimentRequest()`: either run `deno task experiment` does — repeated experiments
 * (simulate → ingest → embed → train → evaluate) or the embeddings-only scenario.
 *
 * @module
 */
import { defaultFeatures } from "./load_dataset.ts";
import {
  type EmbeddingScenarioOptions,
  type EmbeddingScenarioResult,
  runEmbeddingScenario,
} from "./run_embedding_scenario.ts";
import {
  type ExperimentsResult,
  runExperiments,
  type RunExperimentsOptions,
} from "./run_experiments.ts";

/** The embeddings-only scenario against the same ranker with pixels. */
export interface ScenarioRequest {
  scenario: "embeddings-only";
  options: EmbeddingScenarioOptions;
}

/**
 * Experiments over split seeds; without `features`, the default blocks (with `embedding` when
 * a `model` is given).
 */
export interface ExperimentsRequest {
  scenario: null;
  options: RunExperimentsOptions;
}

/** Which run {@linkcode runExperimentRequest} makes, with its options. */
export type ExperimentRequest = ScenarioRequest | ExperimentsRequest;

/** What {@linkcode runExperimentRequest} returns for the scenario. */
export interface ScenarioOutcome {
  scenario: "embeddings-only";
  result: EmbeddingScenarioResult;
}

/** What {@linkcode runExperimentRequest} returns for experiments. */
export type ExperimentsOutcome = { scenario: null } & ExperimentsResult;

/** What {@linkcode runExperimentRequest} returns, by scenario. */
export type ExperimentOutcome = ScenarioOutcome | ExperimentsOutcome;

/**
 * Run the requested experiment or scenario.
 *
 * @param request The scenario (null: plain experiments) and its options.
 * @returns The scenario's two arms, or the experiments' runs and their aggregate.
 * @example
 * ```ts
 * const r = await runExperimentRequest({ scenario: null, options: { simSeed: 2, scale: 0.25 } });
 * console.log(r.runs.length);
 * ```
 */
export async function runExperimentRequest(request: ScenarioRequest): Promise<ScenarioOutcome>;
export async function runExperimentRequest(
  request: ExperimentsRequest,
): Promise<ExperimentsOutcome>;
export async function runExperimentRequest(
  request: ExperimentRequest,
): Promise<ExperimentOutcome> {
  if (request.scenario === "embeddings-only") {
    return { scenario: "embeddings-only", result: await runEmbeddingScenario(request.options) };
  }
  const { options } = request;
  const features = options.features ?? defaultFeatures(Boolean(options.model), false);
  return { scenario: null, ...await runExperiments({ ...options, features }) };
}
