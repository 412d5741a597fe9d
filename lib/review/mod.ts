/**
 * Review state for the reviewer page: durable verdicts with undo, the records
 * written to `approved_decisions.jsonl`, session stats, and a test batch.
 *
 * @module
 */
export { ReplayError, ReviewStore } from "./review_store.ts";
export type { ReviewEntry } from "./review_store.ts";
export { toApprovedDecision } from "./to_approved_decision.ts";
export { reviewStats } from "./review_stats.ts";
export type { ReviewStats } from "./review_stats.ts";
