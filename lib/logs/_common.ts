/**
 * Shared pieces of the log parsers: options, events, set building.
 *
 * @module
 */
import type {
  CropLabel,
  ImageRef,
  KeptLabel,
  Rejection,
  SelectionKind,
  SelectionSet,
  SourceRef,
} from "../types.ts";
import {
  buildProjectIndex,
  parseFilenameTimestamp,
  type ProjectManifest,
  type ProjectMap,
  ProjectResolver,
  type Resolution,
} from "../paths/mod.ts";
import { type CsvSkip, MAX_RECORD_BYTES, readCsvRows } from "./_csv.ts";

/** Longest field accepted (characters); longer ones reject the row as `field_too_long`. */
export const MAX_FIELD_CHARS = 16_384;

/** Longest path accepted (characters, PATH_MAX); longer ones reject the row as `field_too_long`. */
export const MAX_PATH_CHARS = 4096;

/**
 * The first field that is too long or not valid UTF-8 (decoded as U+FFFD),
 * as a rejection; null when every field is fine.
 */
export function fieldProblem(
  source: SourceRef,
  fields: readonly string[],
  header: readonly string[],
): LogEvent | null {
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as string;
    const name = header[i] ?? `column ${i + 1}`;
    const limit = name.endsWith("_path") ? MAX_PATH_CHARS : MAX_FIELD_CHARS;
    if (f.length > limit) {
      return reject(source, "field_too_long", {
        field: name,
        detail: `${f.length} characters (or more), limit ${limit}`,
      });
    }
  }
  for (let i = 0; i < fields.length; i++) {
    const at = (fields[i] as string).indexOf("\uFFFD");
    if (at >= 0) {
      return reject(source, "bad_encoding", {
        field: header[i] ?? `column ${i + 1}`,
        detail: `invalid UTF-8 at character ${at}`,
      });
    }
  }
  return null;
}

/** Options shared by every per-format parser. */
export interface ParseLogOptions {
  /** Project resolution (manifests, aliases, project map); built from the next two if absent. */
  resolver?: ProjectResolver;
  /** Project-map rules (used only when no `resolver` is given). */
  projectMap?: ProjectMap | null;
  /** Project manifests (used only when no `resolver` is given). */
  manifests?: readonly ProjectManifest[];
  /** Project of a manifest lying beside the log (used when the path names none). */
  fallbackProject?: string | null;
  /** Counters of non-fatal oddities, incremented in place (e.g. `clamped`). */
  counts?: Record<string, number>;
  /** Crop identities seen so far (`project\0filename`), to flag re-crops across files. */
  seenCrops?: Set<string>;
}

/** What a parser yields, row by row. */
export type LogEvent =
  | { type: "selection"; set: SelectionSet }
  | { type: "crop"; label: CropLabel }
  | { type: "kept"; label: KeptLabel }
  | {
    type: "rejection";
    rejection: Rejection;
    /** Set when a crop-log row's selection (not its crop) was rejected. */
    category?: "selection";
  };

/** Increment a counter. */
export function bump(counts: Record<string, number> | undefined, key: string, n = 1): void {
  if (counts !== undefined) counts[key] = (counts[key] ?? 0) + n;
}

/** A rejection event. */
export function reject(
  source: SourceRef,
  reason: string,
  extra: { field?: string; detail?: string } = {},
): LogEvent {
  const rejection: Rejection = { file: source.file, line: source.line, reason };
  if (extra.field !== undefined) rejection.field = extra.field;
  if (extra.detail !== undefined) rejection.detail = extra.detail;
  return { type: "rejection", rejection };
}

/** `YYYYMMDD_HHMMSS` → ISO; ISO and anything else kept as written. */
export function normalizeTimestamp(raw: string): string {
  const t = raw.trim();
  if (/^\d{8}_\d{6}$/.test(t)) {
    const ms = parseFilenameTimestamp(t);
    if (ms !== null) return new Date(ms).toISOString();
  }
  return t;
}

/** Column index by name; null when a required name is missing. */
export function columnIndex(
  header: readonly string[],
  required: readonly string[],
): { index: Map<string, number>; missing: string[] } {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h.trim())) index.set(h.trim(), i);
  });
  return { index, missing: required.filter((r) => !index.has(r)) };
}

/** Check a row's field count against the header. */
export function fieldCountProblem(
  fields: readonly string[],
  header: readonly string[],
): string | null {
  if (fields.length < header.length) return "missing_columns";
  if (fields.length > header.length) return "extra_columns";
  return null;
}

/** Dirs of members that are work folders (delivered `<p>_final/...` copies excluded). */
export function mixedDirectories(members: readonly ImageRef[]): boolean {
  const dirs = new Set<string>();
  for (const m of members) {
    if (/(^|\/)[^/]*_final(\/|$)/i.test(m.dir)) continue;
    dirs.add(m.dir);
  }
  return dirs.size > 1;
}

function resolutionProblem(r: Resolution, field: string, source: SourceRef): LogEvent | null {
  if (r.candidates.length > 0) {
    return reject(source, "ambiguous_project", {
      field,
      detail: `"${r.ref.path}" matches ${r.candidates.map((c) => `"${c}"`).join(", ")}`,
    });
  }
  if (r.ref.project === null) {
    return reject(source, "unresolved_project", { field, detail: `"${r.ref.path}"` });
  }
  return null;
}

/** Everything needed to turn a logged choice into a SelectionSet. */
export interface SetInput {
  kind: SelectionKind;
  source: SourceRef;
  sessionId: string;
  setId: string;
  timestamp: string;
  chosenPath: string;
  rejectedPaths: readonly string[];
  /** The log's own project column. */
  declared?: string | null;
  chosenField: string;
  rejectedField: string;
}

/**
 * Resolve a logged choice into a SelectionSet, or a rejection (unresolved,
 * ambiguous or mixed projects, nothing rejected, chosen among rejected).
 */
export function buildSet(input: SetInput, options: ParseLogOptions): LogEvent {
  const { source } = input;
  if (input.chosenPath.trim() === "") return reject(source, "missing_chosen_path");
  if (input.rejectedPaths.length === 0) return reject(source, "no_rejected_paths");
  for (
    const [field, p] of [
      [input.chosenField, input.chosenPath],
      ...input.rejectedPaths.map((r) => [input.rejectedField, r]),
    ] as const
  ) {
    if (p.length > MAX_PATH_CHARS) {
      return reject(source, "field_too_long", {
        field,
        detail: `path of ${p.length} characters, limit ${MAX_PATH_CHARS}`,
      });
    }
  }
  const resolver = options.resolver;
  if (resolver === undefined) throw new TypeError("Cannot build set: no resolver");
  const ctx = {
    sessionId: input.sessionId,
    declared: input.declared ?? null,
    fallback: options.fallbackProject ?? null,
  };
  const chosen = resolver.resolve(input.chosenPath.trim(), ctx);
  const problem = resolutionProblem(chosen, input.chosenField, source);
  if (problem !== null) return problem;
  const rejected: ImageRef[] = [];
  for (const p of input.rejectedPaths) {
    const r = resolver.resolve(p.trim(), ctx);
    const prob = resolutionProblem(r, input.rejectedField, source);
    if (prob !== null) return prob;
    rejected.push(r.ref);
  }
  const projects = new Set([chosen.ref.project, ...rejected.map((r) => r.project)]);
  if (projects.size > 1) {
    return reject(source, "mixed_projects", {
      detail: [...projects].map((p) => `"${p}"`).join(", "),
    });
  }
  if (rejected.some((r) => r.filename === chosen.ref.filename)) {
    return reject(source, "chosen_in_rejected", { field: input.rejectedField });
  }
  for (const ref of [chosen.ref, ...rejected]) {
    if (ref.stage === null) bump(options.counts, "unknown_stage");
  }
  const set: SelectionSet = {
    kind: input.kind,
    source,
    session_id: input.sessionId,
    set_id: input.setId,
    project: chosen.ref.project as string,
    chosen: chosen.ref,
    rejected,
    timestamp: normalizeTimestamp(input.timestamp),
    mixed_directories: mixedDirectories([chosen.ref, ...rejected]),
  };
  return { type: "selection", set };
}

/** One data row with access by column name. */
export interface RowView {
  source: SourceRef;
  fields: readonly string[];
  /** The field of a column ("" when absent). */
  get(name: string): string;
  has(name: string): boolean;
}

/**
 * Stream a CSV log: header check, unreadable and ragged rows rejected, every
 * other row handed to `onRow`.
 *
 * @param file The CSV file.
 * @param required Columns the header must have.
 * @param onRow Turns one row into events.
 * @returns Events in file order.
 */
export async function* iterateCsvLog(
  file: string,
  required: readonly string[],
  onRow: (row: RowView) => LogEvent[],
): AsyncGenerator<LogEvent> {
  let header: string[] | null = null;
  let index = new Map<string, number>();
  const skips: CsvSkip[] = [];
  for await (const row of readCsvRows(file, (s) => skips.push(s))) {
    for (const s of skips.splice(0)) {
      yield reject({ file, line: s.line }, "unreadable_row", { detail: s.message });
    }
    if (header === null) {
      header = row.fields.map((f) => f.trim());
      const cols = columnIndex(header, required);
      if (cols.missing.length > 0) {
        yield reject({ file, line: row.line }, "bad_header", {
          detail: `missing ${cols.missing.map((m) => `"${m}"`).join(", ")}`,
        });
        return;
      }
      index = cols.index;
      continue;
    }
    const source = { file, line: row.line };
    if (row.cut === true) {
      // Over the record cap: its end never reached the parser, whatever field it was in.
      const last = row.fields.length - 1;
      yield reject(source, "field_too_long", {
        field: header[last] ?? `column ${last + 1}`,
        detail: `record longer than ${MAX_RECORD_BYTES} bytes (cut)`,
      });
      continue;
    }
    const bad = fieldProblem(source, row.fields, header);
    if (bad !== null) {
      yield bad;
      continue;
    }
    const problem = fieldCountProblem(row.fields, header);
    if (problem !== null) {
      yield reject(source, problem, {
        detail: `${row.fields.length} fields, header has ${header.length}`,
      });
      continue;
    }
    const fields = row.fields;
    const view: RowView = {
      source,
      fields,
      get: (name) => {
        const i = index.get(name);
        return i === undefined ? "" : (fields[i] ?? "");
      },
      has: (name) => index.has(name),
    };
    yield* onRow(view);
  }
  for (const s of skips.splice(0)) {
    yield reject({ file, line: s.line }, "unreadable_row", { detail: s.message });
  }
}

/** Parser options with every field filled in. */
export type ResolvedParseOptions = Required<ParseLogOptions>;

/** Fill in parser options: a resolver from manifests + map when none is given. */
export function resolveParseOptions(options: ParseLogOptions): ResolvedParseOptions {
  const manifests = options.manifests ?? [];
  const projectMap = options.projectMap ?? null;
  return {
    resolver: options.resolver ??
      new ProjectResolver({ index: buildProjectIndex(manifests), map: projectMap }),
    projectMap,
    manifests,
    fallbackProject: options.fallbackProject ?? null,
    counts: options.counts ?? {},
    seenCrops: options.seenCrops ?? new Set<string>(),
  };
}
