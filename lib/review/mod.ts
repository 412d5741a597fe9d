/**
 * Review state for the reviewer page: durable verdicts with undo, the records
 * written to `approved_decisions.jsonl`, session stats, and a test batch.
 *
 * @module
 */
export { ReplayError, ReviewStore } from "./review_store.ts";
export type { RecordOptions, ReviewEntry } from "./review_store.ts";
export { toApprovedDecision } from "./to_approved_decision.ts";
export type { ToApprovedOptions } from "./to_approved_decision.ts";
export { reviewStats } from "./review_stats.ts";
export type { ReviewStats, ReviewStatsOptions } from "./review_stats.ts";
