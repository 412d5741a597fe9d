/**
 * Decision files: JSON Schemas, validated readers and atomic writers for
 * `automation_decisions.jsonl` and `approved_decisions.jsonl`, and the path
 * convention (POSIX, relative to the sandbox root).
 *
 * @module
 */
export {
  appendAutomationDecisions,
  AUTOMATION_DECISION_SCHEMA,
  readAutomationDecisions,
  validateAutomationDecision,
  writeAutomationDecisions,
} from "./automation_decisions.ts";
export { decideFolder } from "./decide_folder.ts";
export { scoreDecisions } from "./score_decisions.ts";
export { sweepTempFiles } from "./sweep_temp_files.ts";
export type { SweepTempFilesOptions } from "./sweep_temp_files.ts";
export type {
  ClassScore,
  DecisionScore,
  ScoreClass,
  ScoreDecisionsOptions,
  TruthGroup,
} from "./score_decisions.ts";
export type { DecideFolderOptions, DecideSummary } from "./decide_folder.ts";
export type { DecideParts, FeatureSource } from "./decide_parts.ts";
export {
  appendApprovedDecisions,
  APPROVED_DECISION_SCHEMA,
  readApprovedDecisions,
  validateApprovedDecision,
  writeApprovedDecisions,
} from "./approved_decisions.ts";
export {
  groupIdOf,
  groupIdOfSync,
  isInsideSandbox,
  resolveDecisionPath,
  toDecisionPath,
} from "./decision_paths.ts";
export type { ResolveDecisionPathOptions } from "./decision_paths.ts";
