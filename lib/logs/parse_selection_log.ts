/**
 * The selection log `session_id,set_id,chosen_path,neg_paths,timestamp`
 * (`neg_paths` = a JSON list inside one CSV field).
 *
 * @module
 */
import type { Rejection, SelectionSet } from "../types.ts";
import {
  buildSet,
  iterateCsvLog,
  type LogEvent,
  type ParseLogOptions,
  reject,
  resolveParseOptions,
} from "./_common.ts";
import { parsePathList } from "./_lists.ts";

/** Columns of the selection log. */
export const SELECTION_LOG_COLUMNS: readonly string[] = Object.freeze([
  "session_id",
  "set_id",
  "chosen_path",
  "neg_paths",
  "timestamp",
]);

/** What a single-file parse returns. */
export interface ParsedSelections {
  sets: SelectionSet[];
  rejections: Rejection[];
  counts: Record<string, number>;
}

/**
 * Stream a selection log as events (sets and rejections), in bounded memory.
 * Sessions named `*historical*`/`*extraction*` become kind "extraction".
 *
 * @param file The CSV file.
 * @param options Resolver, sibling-manifest project, counters.
 * @returns Events in file order.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * for await (const e of iterateSelectionLog("selection_only_log.csv", { resolver })) {}
 * ```
 */
export function iterateSelectionLog(
  file: string,
  options: ParseLogOptions = {},
): AsyncGenerator<LogEvent> {
  const opts = resolveParseOptions(options);
  return iterateCsvLog(file, SELECTION_LOG_COLUMNS, (row) => {
    const list = parsePathList(row.get("neg_paths"));
    if (list === null) {
      return [
        reject(row.source, "bad_path_list", {
          field: "neg_paths",
          detail: row.get("neg_paths").slice(0, 200),
        }),
      ];
    }
    const sessionId = row.get("session_id").trim();
    return [buildSet({
      kind: /historical|extraction/i.test(sessionId) ? "extraction" : "selection_log",
      source: row.source,
      sessionId,
      setId: row.get("set_id").trim(),
      timestamp: row.get("timestamp"),
      chosenPath: row.get("chosen_path"),
      rejectedPaths: list,
      chosenField: "chosen_path",
      rejectedField: "neg_paths",
    }, opts)];
  });
}

/**
 * Parse a whole selection log into sets and rejections.
 *
 * @param file The CSV file.
 * @param options Resolver, sibling-manifest project, counters.
 * @returns Sets, rejections and counters.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * const { sets } = await parseSelectionLog("data/original/training/historical_selection_log.csv", { resolver });
 * ```
 */
export async function parseSelectionLog(
  file: string,
  options: ParseLogOptions = {},
): Promise<ParsedSelections> {
  const counts = options.counts ?? {};
  const out: ParsedSelections = { sets: [], rejections: [], counts };
  for await (const e of iterateSelectionLog(file, { ...options, counts })) {
    if (e.type === "selection") out.sets.push(e.set);
    else if (e.type === "rejection") out.rejections.push(e.rejection);
  }
  return out;
}
