/**
 * The simulated creator: projects of stage variants built from real photos,
 * with companions, logs in the original formats, defects and ground truth.
 *
 * @module
 */
export { simulate } from "./simulate.ts";
export { runSimulate } from "./run_simulate.ts";
export { deleteRejectedVariants, writeEmbeddingCache } from "./embedding_cache.ts";
export { DEFAULT_RATES } from "./_plan.ts";
export type { GroundTruthRecord, SimSummary } from "./types.ts";
