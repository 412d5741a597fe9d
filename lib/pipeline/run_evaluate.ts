/**
 * `runEvaluate()`: either evaluation `deno task evaluate` runs — the stored models on the
 * ingested store, or the pixel-free crop proposer on a crop log.
 *
 * @module
 */
import type { PixelFreeOptions } from "./crop_pixel_free.ts";
import { type CropLogEvaluation, evaluateCropLog } from "./evaluate_crop_log.ts";
import {
  evaluateStored,
  type EvaluateStoredOptions,
  type EvaluateStoredResult,
} from "./evaluate_stored.ts";

/** The pixel-free crop evaluation of a crop log (see `evaluateCropLog`). */
export interface CropLogRequest {
  mode: "crop-log";
  csv: string;
  projectMap: string;
  options?: PixelFreeOptions;
}

/** The models in `models` on the ingested store `ingested` (see `evaluateStored`). */
export interface StoredRequest {
  mode: "stored";
  ingested: string;
  models: string;
  options?: EvaluateStoredOptions;
}

/** Which evaluation {@linkcode runEvaluate} runs, with its inputs. */
export type EvaluateRequest = CropLogRequest | StoredRequest;

/** What {@linkcode runEvaluate} returns for a crop log. */
export interface CropLogOutcome {
  mode: "crop-log";
  result: CropLogEvaluation;
}

/** What {@linkcode runEvaluate} returns for the stored models. */
export type StoredOutcome = { mode: "stored" } & EvaluateStoredResult;

/** What {@linkcode runEvaluate} returns, by mode. */
export type EvaluateOutcome = CropLogOutcome | StoredOutcome;

/**
 * Run the requested evaluation.
 *
 * @param request The mode and its inputs.
 * @returns The crop-log evaluation, or the stored evaluation with its coverage, held-out
 * counts and report files.
 * @example
 * ```ts
 * const r = await runEvaluate({
 *   mode: "crop-log",
 *   csv: "data/original/training/select_crop_log.csv",
 *   projectMap: "data/original/project_map.json",
 *   options: { seeds: [1, 2] },
 * });
 * console.log(r.result.mean_iou);
 * ```
 */
export async function runEvaluate(request: CropLogRequest): Promise<CropLogOutcome>;
export async function runEvaluate(request: StoredRequest): Promise<StoredOutcome>;
export async function runEvaluate(request: EvaluateRequest): Promise<EvaluateOutcome> {
  if (request.mode === "crop-log") {
    const result = await evaluateCropLog(request.csv, request.projectMap, request.options);
    return { mode: "crop-log", result };
  }
  const stored = await evaluateStored(request.ingested, request.models, request.options);
  return { mode: "stored", ...stored };
}
