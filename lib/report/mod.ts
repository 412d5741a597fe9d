/**
 * Review-session reports (Phase-5 metrics): rates, crop acceptance, time saved.
 *
 * @module
 */
export { boxesMatch, manualSecondsPerGroup, reviewMetrics } from "./review_metrics.ts";
export type {
  ManifestTiming,
  ReviewMetrics,
  ReviewMetricsOptions,
  ReviewRates,
} from "./review_metrics.ts";
export { actionRate, APPROVAL_RATE_DEFINITION } from "./approval_rate.ts";
export { renderReviewReport } from "./render_review_report.ts";
export type { RenderedReport } from "./render_review_report.ts";
export { cropCoverage, cropShape } from "./crop_geometry.ts";
export type { CoverageCell, CropShape } from "./crop_geometry.ts";
export { imageStripHtml } from "./image_strip.ts";
export type { ImageStripOptions, StripItem } from "./image_strip.ts";
