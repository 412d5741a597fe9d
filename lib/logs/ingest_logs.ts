/**
 * Ingest every log under a folder into the ingested store (JSONL files +
 * summary.json), streaming, with a rejection report.
 *
 * @module
 */
import {
  buildProjectIndex,
  loadProjectManifests,
  loadProjectMap,
  type ProjectManifest,
  type ProjectMap,
  ProjectResolver,
} from "../paths/mod.ts";
import type { LogEvent, ParseLogOptions } from "./_common.ts";
import type { IngestedProjects } from "./read_ingested.ts";
import { readCsvHeader } from "./_csv.ts";
import { JsonlWriter } from "./_jsonl.ts";
import { sweepTempFiles, writeFileAtomic } from "../fs/mod.ts";
import { type Counts, emptySummary, type IngestSummary, Tally } from "./_tally.ts";
import { detectLogFormat } from "./detect_log_format.ts";
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
  /**
   * Review results outside `logsDir` (the sandbox's `approved_decisions.jsonl`,
   * with its `automation_decisions.jsonl` beside it); missing files are skipped.
   */
  reviews?: readonly string[];
}

const defaults = {
  projectsDir: null,
  projectMap: null,
  outDir: "data/ingested",
  stages: null,
  onProgress: null,
  reviews: [] as readonly string[],
} satisfies Required<IngestOptions>;

/** A log by name: `*.csv` or `approved_decisions.jsonl`. */
function isLogName(name: string): boolean {
  return name.toLowerCase().endsWith(".csv") || name === "approved_decisions.jsonl";
}

async function walk(
  dir: string,
  found: { csvs: string[]; manifests: string[]; leftOut: { file: string; reason: string }[] },
): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory && !e.name.startsWith(".") && e.name !== "node_modules") {
      await walk(p, found);
    } else if (isLogName(e.name) && e.isFile) found.csvs.push(p);
    else if (isLogName(e.name)) {
      // A link is never followed (it may lead anywhere); a FIFO would block the read.
      found.leftOut.push({ file: p, reason: e.isSymlink ? "symlink" : "not_a_file" });
    } else if (e.isFile && e.name.endsWith(".project.json")) found.manifests.push(p);
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
  const leftOut: { file: string; reason: string }[] = [];
  await walk(root, { csvs, manifests: [], leftOut });
  for (const f of opts.reviews) {
    const abs = f.startsWith("/") ? f : `${Deno.cwd()}/${f}`;
    const known = csvs.some((c) => (c.startsWith("/") ? c : `${Deno.cwd()}/${c}`) === abs);
    let info: Deno.FileInfo | null = null;
    try {
      info = await Deno.lstat(f);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    if (info === null || known) continue;
    if (info.isFile) csvs.push(f);
    else leftOut.push({ file: f, reason: info.isSymlink ? "symlink" : "not_a_file" });
  }

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

  const summary = emptySummary(logsDir, opts.outDir, [...ids]);
  summary.left_out = leftOut;
  const tally = new Tally(summary);

  const out = opts.outDir;
  if (out !== null) {
    await Deno.mkdir(out, { recursive: true });
    // Temp files of a killed run: the `<name>.jsonl.tmp` are truncated below, these are not.
    for (const f of ["summary.json", "projects.json"]) await sweepTempFiles(`${out}/${f}`);
  }
  const names = ["selections", "crops", "kept", "rejections"] as const;
  const writers = out === null ? null : Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await JsonlWriter.open(`${out}/${n}.jsonl.tmp`)])),
  ) as Record<(typeof names)[number], JsonlWriter>;

  const seenCrops = new Set<string>();
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
        const before = entry.rows;
        const put = tally.count(e, format, entry);
        if (entry.rows !== before && entry.rows % 10000 === 0) opts.onProgress?.(file, entry.rows);
        if (put === null || writers === null) continue;
        const pending = writers[put.store].write(put.record);
        if (pending !== undefined) await pending;
      }
      opts.onProgress?.(file, entry.rows);
      tally.finishFile(format, entry, counts);
    }
  } finally {
    if (writers !== null) { for (const n of names) await writers[n].close(); }
  }
  summary.projects.conflicts = {
    count: resolver.conflicts.count,
    examples: [...resolver.conflicts.examples],
  };
  if (out !== null) {
    for (const n of names) await Deno.rename(`${out}/${n}.jsonl.tmp`, `${out}/${n}.jsonl`);
    await writeFileAtomic(`${out}/summary.json`, JSON.stringify(summary, null, 2) + "\n");
    // The projects the logs were resolved with: train's image index reads them (aliases, roots).
    const known: IngestedProjects = { manifests, aliases: map?.aliases ?? {} };
    await writeFileAtomic(`${out}/projects.json`, JSON.stringify(known, null, 2) + "\n");
  }
  return summary;
}
