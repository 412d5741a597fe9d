/**
 * `analyzeStore()`: anomaly statistics of an ingested store folder (what
 * `deno task analyze` prints).
 *
 * @module
 */
import { readIngested } from "../logs/mod.ts";
import type { SelectionKind } from "../types.ts";
import { analyzeAnomalies, type AnomalyReport } from "./analyze_anomalies.ts";

/** Options for {@linkcode analyzeStore}. */
export interface AnalyzeStoreOptions {
  /** Only sets of these kinds (all when null). */
  kinds?: readonly SelectionKind[] | null;
}

const defaults = { kinds: null } satisfies Required<AnalyzeStoreOptions>;

/**
 * Read the selection sets of an ingested store and count anomalies per project.
 *
 * @param dir The store folder `deno task ingest` wrote (e.g. `data/ingested`).
 * @param options Which selection kinds to count.
 * @returns Per-project and total anomaly statistics.
 * @throws {Error} When the store cannot be read (see `readIngested`).
 * @example
 * ```ts
 * const report = await analyzeStore("data/ingested", { kinds: ["selection_log"] });
 * console.log(report.total.anomaly_rate);
 * ```
 */
export async function analyzeStore(
  dir: string,
  options: AnalyzeStoreOptions = {},
): Promise<AnomalyReport> {
  const { kinds } = { ...defaults, ...options };
  const { selections } = await readIngested(dir);
  return analyzeAnomalies(selections, { kinds });
}
