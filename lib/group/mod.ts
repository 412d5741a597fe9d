/**
 * Grouping images into sets of variants: tier 1 filename stage runs, tier 2
 * content (exact duplicates by hash, variants by pHash + embedding cosine),
 * and pairwise scoring against ground truth. Used by decide and extract.
 *
 * @module
 */
export { groupImages } from "./group_images.ts";
export type { GroupImagesOptions, ImageGroup } from "./group_images.ts";
export { dirOf } from "./find_stage_runs.ts";
export type { ContentFile } from "./group_by_content.ts";
export { scoreGrouping } from "./score_grouping.ts";
export type { GroupingScore } from "./score_grouping.ts";
export { evaluateGrouping } from "./evaluate_grouping.ts";
export type { GroupingEvaluation } from "./evaluate_grouping.ts";
