/**
 * Grouping images into sets of variants: tier 1 filename stage runs, tier 2
 * content (exact duplicates by hash, variants by pHash + embedding cosine),
 * and pairwise scoring against ground truth. Used by decide and extract.
 *
 * @module
 */
export { groupImages } from "./group_images.ts";
export type { GroupImagesOptions, Grouping, ImageGroup } from "./group_images.ts";
export { dirOf, findStageRuns, STAGE_RUN_DEFAULTS } from "./find_stage_runs.ts";
export type { FindStageRunsOptions, StageRuns } from "./find_stage_runs.ts";
export { CONTENT_DEFAULTS, groupByContent } from "./group_by_content.ts";
export type {
  ContentFile,
  ContentGroup,
  ContentGrouping,
  GroupByContentOptions,
} from "./group_by_content.ts";
export { scoreGrouping } from "./score_grouping.ts";
export type { GroupingScore, ScoreGroupingOptions } from "./score_grouping.ts";
export { evaluateGrouping, stripStageName } from "./evaluate_grouping.ts";
export type { EvaluateGroupingOptions, GroupingEvaluation } from "./evaluate_grouping.ts";
