/**
 * Ingest of every log format the creator has: selection log, anomaly export,
 * crop log, historical extraction logs → the ingested store (JSONL).
 *
 * @module
 */
export { ingestLogs } from "./ingest_logs.ts";
export type { IngestOptions } from "./ingest_logs.ts";
export { selectionKey } from "./_tally.ts";
export type { IngestSummary } from "./_tally.ts";
export { readIngested } from "./read_ingested.ts";
export type { IngestedProjects, IngestedStore, ReadIngestedOptions } from "./read_ingested.ts";
export { detectLogFormat } from "./detect_log_format.ts";
export type { LogFormat } from "./detect_log_format.ts";
export {
  iterateSelectionLog,
  parseSelectionLog,
  SELECTION_LOG_COLUMNS,
} from "./parse_selection_log.ts";
export type { ParsedSelections } from "./parse_selection_log.ts";
export {
  ANOMALY_EXPORT_COLUMNS,
  iterateAnomalyExport,
  parseAnomalyExport,
} from "./parse_anomaly_export.ts";
export {
  CROP_LOG_COLUMNS,
  iterateCropLog,
  normalizeCropBox,
  parseCropLog,
} from "./parse_crop_log.ts";
export type { NormalizedBox, ParsedCrops } from "./parse_crop_log.ts";
export { iterateKeptLog, KEPT_LOG_COLUMNS, parseKeptLog } from "./parse_kept_log.ts";
export type { ParsedKept } from "./parse_kept_log.ts";
export { iterateReviewDecisions, parseReviewDecisions } from "./parse_review_decisions.ts";
export type { ParsedReviews } from "./parse_review_decisions.ts";
export { parsePathList, parsePythonList } from "./_lists.ts";
export type { LogEvent, ParseLogOptions } from "./_common.ts";
