/**
 * Historical extraction logs (`historical_crop_log.csv`, `mojo1_crop_log.csv`):
 * `session_id,set_id,directory,chosen_path,chosen_stage,timestamp,…` without
 * coordinates — not crop labels, only "this file was kept".
 *
 * @module
 */
import type { KeptLabel, Rejection } from "../types.ts";
import {
  bump,
  iterateCsvLog,
  type LogEvent,
  normalizeTimestamp,
  type ParseLogOptions,
  reject,
  resolveParseOptions,
} from "./_common.ts";

/** Columns a kept log must have. */
export const KEPT_LOG_COLUMNS: readonly string[] = Object.freeze([
  "session_id",
  "chosen_path",
  "timestamp",
]);

/** What a single-file parse returns. */
export interface ParsedKept {
  labels: KeptLabel[];
  rejections: Rejection[];
  counts: Record<string, number>;
}

/**
 * Stream a historical extraction log as "kept" labels.
 *
 * @param file The CSV file.
 * @param options Resolver, counters.
 * @returns Events in file order.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * for await (const e of iterateKeptLog("historical_crop_log.csv", { resolver })) {}
 * ```
 */
export function iterateKeptLog(
  file: string,
  options: ParseLogOptions = {},
): AsyncGenerator<LogEvent> {
  const { resolver, counts, fallbackProject } = resolveParseOptions(options);
  return iterateCsvLog(file, KEPT_LOG_COLUMNS, (row) => {
    const path = row.get("chosen_path").trim();
    if (path === "") return [reject(row.source, "missing_chosen_path")];
    const sessionId = row.get("session_id").trim();
    const res = resolver.resolve(path, {
      sessionId,
      declared: null,
      fallback: fallbackProject,
    });
    if (res.candidates.length > 0) {
      return [reject(row.source, "ambiguous_project", {
        field: "chosen_path",
        detail: `"${path}" matches ${res.candidates.map((c) => `"${c}"`).join(", ")}`,
      })];
    }
    if (res.ref.project === null) {
      return [
        reject(row.source, "unresolved_project", { field: "chosen_path", detail: `"${path}"` }),
      ];
    }
    if (res.ref.stage === null) bump(counts, "unknown_stage");
    const stageCol = row.get("chosen_stage").trim();
    if (stageCol !== "" && Number(stageCol) !== res.ref.stage) {
      bump(counts, "stage_column_mismatch");
    }
    const label: KeptLabel = {
      source: row.source,
      session_id: sessionId,
      project: res.ref.project,
      image: res.ref,
      timestamp: normalizeTimestamp(row.get("timestamp")),
    };
    return [{ type: "kept", label }];
  });
}

/**
 * Parse a whole historical extraction log.
 *
 * @param file The CSV file.
 * @param options Resolver, counters.
 * @returns Kept labels, rejections, counters.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * const { labels } = await parseKeptLog("data/original/training/mojo1_crop_log.csv", { resolver });
 * ```
 */
export async function parseKeptLog(
  file: string,
  options: ParseLogOptions = {},
): Promise<ParsedKept> {
  const counts = options.counts ?? {};
  const out: ParsedKept = { labels: [], rejections: [], counts };
  for await (const e of iterateKeptLog(file, { ...options, counts })) {
    if (e.type === "kept") out.labels.push(e.label);
    else if (e.type === "rejection") out.rejections.push(e.rejection);
  }
  return out;
}
