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
} from "./automation_decisions.ts";
export {
  appendApprovedDecisions,
  APPROVED_DECISION_SCHEMA,
  readApprovedDecisions,
  validateApprovedDecision,
  writeApprovedDecisions,
} from "./approved_decisions.ts";
export {
  groupIdOf,
  isInsideSandbox,
  resolveDecisionPath,
  toDecisionPath,
} from "./decision_paths.ts";
export type { ResolveDecisionPathOptions } from "./decision_paths.ts";
