/**
 * Ingest every log under a folder into the ingested store (JSONL files +
 * summary.json), streaming, with a rejection report.
 *
 * @module
 */
import type { SelectionSet } from "../types.ts";
import {
  buildProjectIndex,
  loadProjectManifests,
  loadProjectMap,
  type ProjectManifest,
  type ProjectMap,
  ProjectResolver,
} from "../paths/mod.ts";
import type { LogEvent, ParseLogOptions } from "./_common.ts";
import { readCsvHeader } from "./_csv.ts";
import { JsonlWriter } from "./_jsonl.ts";
import { detectLogFormat, type LogFormat } from "./detect_log_format.ts";
import { iterateAnomalyExport } from "./parse_anomaly_export.ts";
import { iterateCropLog } from "./parse_crop_log.ts";
import { iterateKeptLog } from "./parse_kept_log.ts";
import { iterateSelectionLog } from "./parse_selection_log.ts";
import { iterateReviewDecisions } from "./parse_review_decisions.ts";

/** Options for {@linkcode ingestLogs}. */
export interface IngestOptions {
  /** A folder of `*.project.json` manifests (besides any found under the logs). */
  projectsDir?: string | null;
  /** The project-map file (path) or an already parsed map. */
  projectMap?: string | ProjectMap | null;
  /** Where to write the store; null writes nothing (counts only). */
  outDir?: string | null;
  /** Stage table (a creator may add a stage). */
  stages?: Readonly<Record<string, number>> | null;
  /** Called every 10,000 rows and at each file end. */
  onProgress?: ((file: string, rows: number) => void) | null;
}

const defaults = {
  projectsDir: null,
  projectMap: null,
  outDir: "data/ingested",
  stages: null,
  onProgress: null,
} satisfies Required<IngestOptions>;

type Counts = Record<string, number>;

/** The ingest summary (also `summary.json` and the `--json` object). */
export interface IngestSummary {
  logs: string;
  out: string | null;
  files: {
    file: string;
    format: LogFormat | "review_decisions";
    rows: number;
    project: string | null;
  }[];
  projects: { manifests: number; ids: string[] };
  selection: {
    sets: number;
    pairs: number;
    rejected: Counts;
    duplicates: number;
    unknown_stage: number;
    mixed_directories: number;
    by_project: Counts;
    by_kind: Counts;
  };
  crops: {
    rows: number;
    labels: number;
    pixel_rows: number;
    normalized_rows: number;
    no_crop: number;
    /** No-crop boxes written as the exact full frame (`0,0,W,H`). */
    no_crop_exact: number;
    /** No-crop boxes within one pixel of it (e.g. `0,0,W-1,H-1`). */
    no_crop_within_1px: number;
    clamped: number;
    recrops: number;
    recropped_images: number;
    unknown_stage: number;
    rejected: Counts;
    by_project: Counts;
  };
  kept: { rows: number; labels: number; duplicates: number; rejected: Counts; by_project: Counts };
  anomalies: {
    sets: number;
    pairs: number;
    rejected: Counts;
    mixed_directories: number;
    stage_column_mismatch: number;
    by_project: Counts;
  };
  /** `approved_decisions.jsonl` files (review results). */
  reviews: {
    files: number;
    sets: number;
    crops: number;
    no_crop: number;
    manual_crop: number;
    superseded: number;
    rejected: Counts;
    by_project: Counts;
  };
}

function inc(c: Counts, k: string, n = 1): void {
  c[k] = (c[k] ?? 0) + n;
}

/** 53-bit string hash (cyrb53): duplicate detection in bounded memory. */
function hash53(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Identity of a set: project, chosen file, sorted rejected files. */
export function selectionKey(set: SelectionSet): string {
  const rej = set.rejected.map((r) => r.filename).sort().join("\u0001");
  return `${set.project}\u0000${set.chosen.filename}\u0000${rej}`;
}

async function walk(
  dir: string,
  csvs: string[],
  manifests: string[],
): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && !e.name.startsWith(".") && e.name !== "node_modules") {
      await walk(p, csvs, manifests);
    } else if (
      e.isFile && (e.name.toLowerCase().endsWith(".csv") || e.name === "approved_decisions.jsonl")
    ) csvs.push(p);
    else if (e.isFile && e.name.endsWith(".project.json")) manifests.push(p);
  }
}

/**
 * Read every known log under `logsDir` (searched recursively; formats are
 * recognised by their header) into normalised records, written as
 * `selections.jsonl`, `crops.jsonl`, `kept.jsonl`, `rejections.jsonl` and
 * `summary.json` under `outDir`. Manifests found beside logs resolve projects
 * (and name the project of a log whose paths carry none).
 *
 * @param logsDir Folder holding the logs (and possibly manifests).
 * @param options Manifests, project map, output folder, stages, progress.
 * @returns The summary.
 * @example
 * ```ts
 * const s = await ingestLogs("data/original/training", {
 *   projectsDir: "data/original/projects",
 *   projectMap: "data/original/project_map.json",
 * });
 * s.crops.pixel_rows; // 7193
 * ```
 */
export async function ingestLogs(
  logsDir: string,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const opts = { ...defaults, ...options };
  const root = logsDir.replace(/\/+$/, "");
  try {
    if (!(await Deno.stat(root)).isDirectory) throw new Error("not a folder");
  } catch (cause) {
    throw new TypeError(`Cannot ingest logs: "${logsDir}" is not a readable folder`, { cause });
  }
  const csvs: string[] = [];
  const manifestFiles: string[] = [];
  await walk(root, csvs, manifestFiles);

  const manifests: ProjectManifest[] = [];
  if (opts.projectsDir !== null) manifests.push(...await loadProjectManifests(opts.projectsDir));
  const found = await loadProjectManifests(root);
  const ids = new Set(manifests.map((m) => m.id));
  for (const m of found) if (!ids.has(m.id)) manifests.push(m), ids.add(m.id);
  const map = typeof opts.projectMap === "string"
    ? await loadProjectMap(opts.projectMap)
    : opts.projectMap;
  const resolver = new ProjectResolver({
    index: buildProjectIndex(manifests, { aliases: map?.aliases ?? {} }),
    map,
    ...(opts.stages !== null ? { stages: opts.stages } : {}),
  });
  // A folder holding exactly one manifest names the project of the logs in it.
  const manifestDirs = new Map<string, string[]>();
  for (const m of found) {
    if (m.file === null) continue;
    const d = m.file.slice(0, m.file.lastIndexOf("/"));
    manifestDirs.set(d, [...(manifestDirs.get(d) ?? []), m.id]);
  }
  const fallbackFor = (file: string): string | null => {
    const abs = file.startsWith("/") ? file : `${Deno.cwd()}/${file}`;
    let d = abs.slice(0, abs.lastIndexOf("/"));
    while (d.length > 0) {
      const ids = manifestDirs.get(d);
      if (ids !== undefined) return ids.length === 1 ? ids[0] as string : null;
      d = d.slice(0, d.lastIndexOf("/"));
    }
    return null;
  };

  const summary: IngestSummary = {
    logs: logsDir,
    out: opts.outDir,
    files: [],
    projects: { manifests: manifests.length, ids: [...ids].sort() },
    selection: {
      sets: 0,
      pairs: 0,
      rejected: {},
      duplicates: 0,
      unknown_stage: 0,
      mixed_directories: 0,
      by_project: {},
      by_kind: {},
    },
    crops: {
      rows: 0,
      labels: 0,
      pixel_rows: 0,
      normalized_rows: 0,
      no_crop: 0,
      no_crop_exact: 0,
      no_crop_within_1px: 0,
      clamped: 0,
      recrops: 0,
      recropped_images: 0,
      unknown_stage: 0,
      rejected: {},
      by_project: {},
    },
    kept: { rows: 0, labels: 0, duplicates: 0, rejected: {}, by_project: {} },
    anomalies: {
      sets: 0,
      pairs: 0,
      rejected: {},
      mixed_directories: 0,
      stage_column_mismatch: 0,
      by_project: {},
    },
    reviews: {
      files: 0,
      sets: 0,
      crops: 0,
      no_crop: 0,
      manual_crop: 0,
      superseded: 0,
      rejected: {},
      by_project: {},
    },
  };

  const out = opts.outDir;
  if (out !== null) await Deno.mkdir(out, { recursive: true });
  const names = ["selections", "crops", "kept", "rejections"] as const;
  const writers = out === null ? null : Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await JsonlWriter.open(`${out}/${n}.jsonl.tmp`)])),
  ) as Record<(typeof names)[number], JsonlWriter>;

  const seenSets = new Set<number>();
  const seenKept = new Set<string>();
  const seenCrops = new Set<string>();
  const recropped = new Set<string>();
  try {
    for (const file of csvs) {
      const review = file.endsWith("/approved_decisions.jsonl");
      const header = review ? null : await readCsvHeader(file);
      const format = review
        ? "review_decisions"
        : header === null
        ? "unknown"
        : detectLogFormat(header);
      const fallback = fallbackFor(file);
      summary.files.push({ file, format, rows: 0, project: fallback });
      const entry = summary.files[summary.files.length - 1] as IngestSummary["files"][number];
      if (format === "unknown") continue;
      const counts: Counts = {};
      const parseOpts: ParseLogOptions = { resolver, fallbackProject: fallback, counts, seenCrops };
      const events: AsyncGenerator<LogEvent> = format === "crop_log"
        ? iterateCropLog(file, parseOpts)
        : format === "selection_log"
        ? iterateSelectionLog(file, parseOpts)
        : format === "anomaly_export"
        ? iterateAnomalyExport(file, parseOpts)
        : format === "review_decisions"
        ? iterateReviewDecisions(file, parseOpts)
        : iterateKeptLog(file, parseOpts);
      for await (const e of events) {
        const fromCropRow = e.type === "selection" ||
          (e.type === "rejection" && e.category === "selection");
        if (format !== "review_decisions" && (format !== "crop_log" || !fromCropRow)) {
          entry.rows++;
          if (entry.rows % 10000 === 0) opts.onProgress?.(file, entry.rows);
        }
        if (e.type === "rejection") {
          const r = e.rejection;
          const bucket = format === "review_decisions"
            ? summary.reviews.rejected
            : e.category === "selection"
            ? summary.selection.rejected
            : format === "crop_log"
            ? summary.crops.rejected
            : format === "anomaly_export"
            ? summary.anomalies.rejected
            : format === "kept_log"
            ? summary.kept.rejected
            : summary.selection.rejected;
          inc(bucket, r.reason);
          {
            const pending = writers?.rejections.write(r);
            if (pending !== undefined) await pending;
          }
        } else if (e.type === "selection") {
          const s = e.set;
          const h = hash53(selectionKey(s));
          if (seenSets.has(h)) {
            if (s.kind === "anomaly_export") inc(summary.anomalies.rejected, "duplicate");
            else summary.selection.duplicates++;
            continue;
          }
          seenSets.add(h);
          if (s.kind === "review") {
            summary.reviews.sets++;
            inc(summary.reviews.by_project, s.project);
          }
          if (s.kind === "anomaly_export") {
            const a = summary.anomalies;
            a.sets++;
            a.pairs += s.rejected.length;
            inc(a.by_project, s.project);
            if (s.mixed_directories) a.mixed_directories++;
          } else {
            const sel = summary.selection;
            sel.sets++;
            sel.pairs += s.rejected.length;
            inc(sel.by_project, s.project);
            inc(sel.by_kind, s.kind);
            if (s.mixed_directories) sel.mixed_directories++;
          }
          {
            const pending = writers?.selections.write(s);
            if (pending !== undefined) await pending;
          }
        } else if (e.type === "crop" && format === "review_decisions") {
          summary.reviews.crops++;
          if (e.label.no_crop) summary.reviews.no_crop++;
          {
            const pending = writers?.crops.write(e.label);
            if (pending !== undefined) await pending;
          }
        } else if (e.type === "crop") {
          const l = e.label;
          const c = summary.crops;
          c.labels++;
          if (l.units === "pixel") c.pixel_rows++;
          else c.normalized_rows++;
          if (l.no_crop) c.no_crop++;
          c.clamped += l.clamped;
          if (l.recrop) {
            c.recrops++;
            recropped.add(`${l.project}\0${l.image.filename}`);
          }
          inc(c.by_project, l.project);
          {
            const pending = writers?.crops.write(l);
            if (pending !== undefined) await pending;
          }
        } else {
          const l = e.label;
          const key = `${l.project}\0${l.image.filename}`;
          if (seenKept.has(key)) {
            summary.kept.duplicates++;
            continue;
          }
          seenKept.add(key);
          summary.kept.labels++;
          inc(summary.kept.by_project, l.project);
          {
            const pending = writers?.kept.write(l);
            if (pending !== undefined) await pending;
          }
        }
      }
      opts.onProgress?.(file, entry.rows);
      if (format === "review_decisions") {
        summary.reviews.files++;
        entry.rows = counts["records"] ?? 0;
        summary.reviews.manual_crop += counts["manual_crop"] ?? 0;
        summary.reviews.superseded += counts["superseded_reviews"] ?? 0;
      } else if (format === "crop_log") {
        summary.crops.rows += entry.rows;
        summary.crops.no_crop_exact += counts["no_crop_exact"] ?? 0;
        summary.crops.no_crop_within_1px += counts["no_crop_within_1px"] ?? 0;
        summary.crops.unknown_stage += counts["unknown_stage"] ?? 0;
      } else if (format === "kept_log") summary.kept.rows += entry.rows;
      else if (format === "anomaly_export") {
        summary.anomalies.stage_column_mismatch += counts["stage_column_mismatch"] ?? 0;
      }
      if (format !== "crop_log") summary.selection.unknown_stage += counts["unknown_stage"] ?? 0;
    }
  } finally {
    if (writers !== null) { for (const n of names) await writers[n].close(); }
  }
  summary.crops.recropped_images = recropped.size;
  if (out !== null) {
    for (const n of names) await Deno.rename(`${out}/${n}.jsonl.tmp`, `${out}/${n}.jsonl`);
    await Deno.writeTextFile(`${out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
  }
  return summary;
}
