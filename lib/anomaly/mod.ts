/**
 * Anomaly analysis per project (stage 1.5 included).
 *
 * @module
 */
export { analyzeAnomalies, isAnomaly } from "./analyze_anomalies.ts";
export type {
  AnalyzeAnomaliesOptions,
  AnomalyReport,
  AnomalyStats,
  MixedSet,
} from "./analyze_anomalies.ts";
