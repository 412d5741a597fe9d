/**
 * Anomaly analysis per project (stage 1.5 included).
 *
 * @module
 */
export { analyzeAnomalies } from "./analyze_anomalies.ts";
export type { AnomalyReport } from "./analyze_anomalies.ts";
export { analyzeStore } from "./analyze_store.ts";
