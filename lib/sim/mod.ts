/**
 * The simulated creator: projects of stage variants built from real photos,
 * with companions, logs in the original formats, defects and ground truth.
 *
 * @module
 */
export { simulate } from "./simulate.ts";
export type { RawFinalRecord, SimulateOptions } from "./simulate.ts";
export {
  CREATOR_DIR,
  ORIGINAL_HOME,
  ORIGINAL_LOG_PATHS,
  originalDir,
  toOriginalLayout,
} from "./original_layout.ts";
export {
  deleteRejectedVariants,
  EMBEDDING_CACHE_DIR,
  loggedGroups,
  writeEmbeddingCache,
} from "./embedding_cache.ts";
export type { EmbeddingCacheSummary, WriteEmbeddingCacheOptions } from "./embedding_cache.ts";
export { renderContactSheet } from "./contact_sheet.ts";
export type { ContactSheetOptions } from "./contact_sheet.ts";
export { COMPOSITIONS, DEFAULT_RATES } from "./_plan.ts";
export type {
  DefectKind,
  DefectPlan,
  GroundTruthRecord,
  Outcome,
  ProjectPlan,
  SimSummary,
} from "./types.ts";
