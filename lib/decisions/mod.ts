/**
 * Decision files: JSON Schemas, validated readers and atomic writers for
 * `automation_decisions.jsonl` and `approved_decisions.jsonl`, and the path
 * convention (POSIX, relative to the sandbox root).
 *
 * @module
 */
export {
  appendAutomationDecisions,
  readAutomationDecisions,
  type ReadAutomationDecisionsOptions,
  validateAutomationDecision,
  writeAutomationDecisions,
} from "./automation_decisions.ts";
export { decideFolder } from "./decide_folder.ts";
export { scoreDecisions } from "./score_decisions.ts";
export { sweepTempFiles } from "./sweep_temp_files.ts";
export type { DecisionScore, TruthGroup } from "./score_decisions.ts";
export type { DecideSummary } from "./decide_folder.ts";
export {
  readApprovedDecisions,
  validateApprovedDecision,
  writeApprovedDecisions,
} from "./approved_decisions.ts";
export { groupIdOf, isInsideSandbox, resolveDecisionPath } from "./decision_paths.ts";
