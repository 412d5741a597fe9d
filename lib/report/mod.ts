/**
 * Review-session reports (Phase-5 metrics): rates, crop acceptance, time saved.
 *
 * @module
 */
export { reviewMetrics } from "./review_metrics.ts";
export { actionRate, APPROVAL_RATE_DEFINITION } from "./approval_rate.ts";
export { runReport } from "./run_report.ts";
export { cropCoverage, cropShape } from "./crop_geometry.ts";
export { imageStripHtml } from "./image_strip.ts";
