/**
 * The anomaly export
 * `session_id,set_id,project,chosen_stage,max_rejected_stage,chosen_path,rejected_paths,timestamp`
 * (`rejected_paths` = a Python-repr list with single quotes).
 *
 * @module
 */
import {
  buildSet,
  bump,
  iterateCsvLog,
  type LogEvent,
  type ParseLogOptions,
  reject,
  resolveParseOptions,
} from "./_common.ts";
import { parsePathList } from "./_lists.ts";
import type { ParsedSelections } from "./parse_selection_log.ts";

/** Columns of the anomaly export. */
export const ANOMALY_EXPORT_COLUMNS: readonly string[] = Object.freeze([
  "session_id",
  "set_id",
  "project",
  "chosen_stage",
  "max_rejected_stage",
  "chosen_path",
  "rejected_paths",
  "timestamp",
]);

/**
 * Stream an anomaly export as events. The `project` column is used when the
 * paths name no known project; `chosen_stage`/`max_rejected_stage` are checked
 * against the file names (counted as `stage_column_mismatch`, 1.5 included).
 *
 * @param file The CSV file.
 * @param options Resolver, counters.
 * @returns Events in file order.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * for await (const e of iterateAnomalyExport("anomaly_cases.csv", { resolver })) {}
 * ```
 */
export function iterateAnomalyExport(
  file: string,
  options: ParseLogOptions = {},
): AsyncGenerator<LogEvent> {
  const opts = resolveParseOptions(options);
  return iterateCsvLog(file, ANOMALY_EXPORT_COLUMNS, (row) => {
    const list = parsePathList(row.get("rejected_paths"));
    if (list === null) {
      return [
        reject(row.source, "bad_path_list", {
          field: "rejected_paths",
          detail: row.get("rejected_paths").slice(0, 200),
        }),
      ];
    }
    const event = buildSet({
      kind: "anomaly_export",
      source: row.source,
      sessionId: row.get("session_id").trim(),
      setId: row.get("set_id").trim(),
      timestamp: row.get("timestamp"),
      chosenPath: row.get("chosen_path"),
      rejectedPaths: list,
      declared: row.get("project"),
      chosenField: "chosen_path",
      rejectedField: "rejected_paths",
    }, opts);
    if (event.type === "selection") {
      const chosen = event.set.chosen.stage;
      const stages = event.set.rejected.map((r) => r.stage).filter((s) => s !== null);
      const maxRejected = stages.length > 0 ? Math.max(...stages) : null;
      if (
        Number(row.get("chosen_stage")) !== chosen ||
        Number(row.get("max_rejected_stage")) !== maxRejected
      ) bump(opts.counts, "stage_column_mismatch");
    }
    return [event];
  });
}

/**
 * Parse a whole anomaly export.
 *
 * @param file The CSV file.
 * @param options Resolver, counters.
 * @returns Sets (kind "anomaly_export"), rejections and counters.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * const { sets } = await parseAnomalyExport("data/original/training/anomaly_cases.csv", { resolver });
 * ```
 */
export async function parseAnomalyExport(
  file: string,
  options: ParseLogOptions = {},
): Promise<ParsedSelections> {
  const counts = options.counts ?? {};
  const out: ParsedSelections = { sets: [], rejections: [], counts };
  for await (const e of iterateAnomalyExport(file, { ...options, counts })) {
    if (e.type === "selection") out.sets.push(e.set);
    else if (e.type === "rejection") out.rejections.push(e.rejection);
  }
  return out;
}
