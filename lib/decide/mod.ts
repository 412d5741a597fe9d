/**
 * The decide engine behind `deno task decide`: group a folder's new images,
 * rank each group, propose a crop for the pick, give reasons, and append one
 * validated record per group to `automation_decisions.jsonl` (the file format
 * itself is `lib/decisions`); and scoring a decisions file against simulator
 * ground truth.
 *
 * - {@linkcode decideFolder}`(folder, options)` → {@linkcode DecideSummary}.
 * - {@linkcode scoreDecisions}`(decisions, truth)` → {@linkcode DecisionScore}.
 *
 * @example
 * ```ts
 * import { decideFolder } from "../decide/mod.ts";
 * const summary = await decideFolder("sandbox/new", { sandboxRoot: "sandbox", models: "data/ai_data/models" });
 * ```
 *
 * @module
 */
export { decideFolder } from "./decide_folder.ts";
export type { DecideSummary } from "./decide_folder.ts";
export { scoreDecisions } from "./score_decisions.ts";
export type { DecisionScore, TruthGroup } from "./score_decisions.ts";
