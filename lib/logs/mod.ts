/**
 * Ingest of every log format the creator has: selection log, anomaly export,
 * crop log, historical extraction logs → the ingested store (JSONL).
 *
 * @module
 */
export { ingestLogs } from "./ingest_logs.ts";
export type { IngestSummary } from "./_tally.ts";
export { readIngested } from "./read_ingested.ts";
export type { IngestedProjects } from "./read_ingested.ts";
export { parseCropLog } from "./parse_crop_log.ts";
