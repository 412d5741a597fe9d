/**
 * The select/crop log: `session_id,set_id,directory,image_count,chosen_index,
 * chosen_path,crop_x1,crop_y1,crop_x2,crop_y2,timestamp` then per image
 * `image_<i>_path,image_<i>_stage,width_<i>,height_<i>`.
 *
 * @module
 */
import type { Box, CropLabel, Rejection, SelectionSet } from "../types.ts";
import {
  buildSet,
  bump,
  iterateCsvLog,
  type LogEvent,
  normalizeTimestamp,
  type ParseLogOptions,
  reject,
  type ResolvedParseOptions,
  resolveParseOptions,
  type RowView,
} from "./_common.ts";

/** Fixed leading columns of the crop log (image columns follow). */
export const CROP_LOG_COLUMNS: readonly string[] = Object.freeze([
  "session_id",
  "set_id",
  "directory",
  "image_count",
  "chosen_index",
  "chosen_path",
  "crop_x1",
  "crop_y1",
  "crop_x2",
  "crop_y2",
  "timestamp",
  "image_0_path",
  "width_0",
  "height_0",
]);

/** What a single-file parse returns. */
export interface ParsedCrops {
  labels: CropLabel[];
  /** Choices among several images made in the same tool (image_count ≥ 2). */
  sets: SelectionSet[];
  rejections: Rejection[];
  counts: Record<string, number>;
}

const COORDS = ["crop_x1", "crop_y1", "crop_x2", "crop_y2"] as const;

/** Result of {@linkcode normalizeCropBox}. */
export type NormalizedBox =
  | { ok: true; box: Box; units: "pixel" | "normalized"; noCrop: boolean; clamped: number }
  | { ok: false; reason: string };

/**
 * Normalise one logged box. Pixels when any coordinate exceeds 1 (divided by
 * the image size), else already normalised; a box within one pixel of the full
 * frame is "no crop"; coordinates are clamped into [0, 1] and counted.
 *
 * @param coords `[x1, y1, x2, y2]` as logged.
 * @param size The chosen image's `[width, height]` (needed for pixels).
 * @returns The normalised box or the reason it is unusable.
 * @example
 * ```ts
 * normalizeCropBox([0, 0, 2047, 2047], [2048, 2048]); // no crop, box [0, 0, 1, 1]
 * ```
 */
export function normalizeCropBox(
  coords: readonly [number, number, number, number],
  size: readonly [number, number],
): NormalizedBox {
  const [x1, y1, x2, y2] = coords;
  const [w, h] = size;
  if (x1 === 0 && y1 === 0 && x2 === 1 && y2 === 1) return { ok: false, reason: "placeholder_box" };
  const pixel = coords.some((c) => c > 1);
  if (pixel && !(w > 0 && h > 0)) return { ok: false, reason: "missing_dimensions" };
  const n = pixel ? [x1 / w, y1 / h, x2 / w, y2 / h] : [x1, y1, x2, y2];
  // One pixel of tolerance (the tool also wrote 0,0,W-1,H-1 for "no crop").
  const tx = w > 0 ? 1 / w : 1e-3;
  const ty = h > 0 ? 1 / h : 1e-3;
  const units = pixel ? "pixel" : "normalized";
  const [a, b, c, d] = n as [number, number, number, number];
  if (Math.abs(a) <= tx && Math.abs(b) <= ty && Math.abs(c - 1) <= tx && Math.abs(d - 1) <= ty) {
    return { ok: true, box: [0, 0, 1, 1], units, noCrop: true, clamped: 0 };
  }
  let clamped = 0;
  const box = n.map((v) => {
    if (v < 0 || v > 1) clamped++;
    return Math.min(1, Math.max(0, v));
  }) as Box;
  if (!(box[0] < box[2] && box[1] < box[3])) return { ok: false, reason: "empty_box" };
  return { ok: true, box, units, noCrop: false, clamped };
}

function num(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function cropRow(row: RowView, opts: ResolvedParseOptions): LogEvent[] {
  const src = row.source;
  const sessionId = row.get("session_id").trim();
  const count = num(row.get("image_count"));
  const ci = num(row.get("chosen_index"));
  if (count === null || !Number.isInteger(count) || count < 1) {
    return [
      reject(src, "bad_image_count", { field: "image_count", detail: row.get("image_count") }),
    ];
  }
  if (ci === null || !Number.isInteger(ci) || ci < 0 || ci >= count || !row.has(`width_${ci}`)) {
    return [
      reject(src, "bad_chosen_index", { field: "chosen_index", detail: row.get("chosen_index") }),
    ];
  }
  const raw = COORDS.map((c) => row.get(c).trim());
  if (raw.every((r) => r === "")) return [reject(src, "no_coordinates")];
  const coords: number[] = [];
  for (const [i, r] of raw.entries()) {
    const v = num(r);
    if (v === null) {
      return [reject(src, "non_numeric_coordinate", { field: COORDS[i] as string, detail: r })];
    }
    coords.push(v);
  }
  const w = num(row.get(`width_${ci}`)) ?? 0;
  const h = num(row.get(`height_${ci}`)) ?? 0;
  const norm = normalizeCropBox(coords as [number, number, number, number], [w, h]);
  if (!norm.ok) return [reject(src, norm.reason, { detail: raw.join(",") })];
  const chosenPath = row.get("chosen_path").trim() || row.get(`image_${ci}_path`).trim();
  if (chosenPath === "") return [reject(src, "missing_chosen_path")];
  const res = opts.resolver.resolve(chosenPath, {
    sessionId,
    fallback: opts.fallbackProject,
  });
  if (res.candidates.length > 0) {
    return [reject(src, "ambiguous_project", {
      field: "chosen_path",
      detail: `"${chosenPath}" matches ${res.candidates.map((c) => `"${c}"`).join(", ")}`,
    })];
  }
  if (res.ref.project === null) {
    return [reject(src, "unresolved_project", { field: "chosen_path", detail: `"${chosenPath}"` })];
  }
  if (res.ref.stage === null) bump(opts.counts, "unknown_stage");
  const project = res.ref.project;
  const key = `${project}\0${res.ref.filename}`;
  const label: CropLabel = {
    source: src,
    session_id: sessionId,
    set_id: row.get("set_id").trim(),
    project,
    image: res.ref,
    width: w,
    height: h,
    box: norm.box,
    no_crop: norm.noCrop,
    units: norm.units,
    clamped: norm.clamped,
    timestamp: normalizeTimestamp(row.get("timestamp")),
  };
  if (opts.seenCrops.has(key)) label.recrop = true;
  else opts.seenCrops.add(key);
  if (norm.clamped > 0) bump(opts.counts, "clamped", norm.clamped);
  if (norm.noCrop) {
    const exact = coords[0] === 0 && coords[1] === 0 &&
      (norm.units === "pixel"
        ? coords[2] === w && coords[3] === h
        : coords[2] === 1 && coords[3] === 1);
    bump(opts.counts, exact ? "no_crop_exact" : "no_crop_within_1px");
  }
  const events: LogEvent[] = [{ type: "crop", label }];
  if (count >= 2) {
    const others: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i === ci) continue;
      const p = row.get(`image_${i}_path`).trim();
      if (p !== "") others.push(p);
    }
    const set = buildSet({
      kind: "selection_log",
      source: src,
      sessionId,
      setId: label.set_id,
      timestamp: row.get("timestamp"),
      chosenPath,
      rejectedPaths: others,
      chosenField: "chosen_path",
      rejectedField: "image_i_path",
    }, opts);
    // The crop label stands; a broken set from the same row is reported apart.
    events.push(set.type === "rejection" ? { ...set, category: "selection" } : set);
  }
  return events;
}

/**
 * Stream a crop log as events: crop labels, selection sets for rows that chose
 * among several images, and rejections (field count, types, placeholders,
 * missing coordinates, unresolved projects). Repeated crops of the same
 * (project, filename) are kept but flagged `recrop` (see README).
 *
 * @param file The CSV file.
 * @param options Resolver (with the project map), counters, crops seen so far.
 * @returns Events in file order.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * for await (const e of iterateCropLog("select_crop_log.csv", { resolver })) {}
 * ```
 */
export function iterateCropLog(
  file: string,
  options: ParseLogOptions = {},
): AsyncGenerator<LogEvent> {
  const opts = resolveParseOptions(options);
  return iterateCsvLog(file, CROP_LOG_COLUMNS, (row) => cropRow(row, opts));
}

/**
 * Parse a whole crop log (callable on its own, e.g. for crop evaluation).
 *
 * @param file The CSV file.
 * @param options Resolver (with the project map), counters.
 * @returns Labels, sets, rejections and counters.
 * @example
 * ```ts
 * import { loadProjectMap } from "../paths/mod.ts";
 * const map = await loadProjectMap("data/original/project_map.json");
 * const { labels } = await parseCropLog("data/original/training/select_crop_log.csv", {
 *   projectMap: map,
 * });
 * ```
 */
export async function parseCropLog(
  file: string,
  options: ParseLogOptions = {},
): Promise<ParsedCrops> {
  const counts = options.counts ?? {};
  const out: ParsedCrops = { labels: [], sets: [], rejections: [], counts };
  for await (const e of iterateCropLog(file, { ...options, counts })) {
    if (e.type === "crop") out.labels.push(e.label);
    else if (e.type === "selection") out.sets.push(e.set);
    else if (e.type === "rejection") out.rejections.push(e.rejection);
  }
  return out;
}
