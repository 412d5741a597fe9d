/**
 * Review-session reports (Phase-5 metrics): rates, crop acceptance, time saved.
 *
 * @module
 */
export { manualSecondsPerGroup, reviewMetrics } from "./review_metrics.ts";
export type { ManifestTiming } from "./review_metrics.ts";
export { actionRate, APPROVAL_RATE_DEFINITION } from "./approval_rate.ts";
export { renderReviewReport } from "./render_review_report.ts";
export { runReport } from "./run_report.ts";
export type { RunReportOptions, RunReportResult } from "./run_report.ts";
export { cropCoverage, cropShape } from "./crop_geometry.ts";
export { imageStripHtml } from "./image_strip.ts";
