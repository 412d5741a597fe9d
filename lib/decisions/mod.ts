/**
 * Decision files: `automation_decisions.jsonl` and `approved_decisions.jsonl`,
 * each a JSONL record store (`jsonl_store.ts`) checked against its JSON Schema beside this
 * file on every read and write; the path convention (POSIX, relative to the
 * sandbox root) and group ids. (Sweeping the temp files a killed writer left: lib/fs.)
 * What ingest, the reviewer and apply import; the engine that writes
 * automation decisions lives in `lib/decide`.
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
export {
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
