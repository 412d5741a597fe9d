/**
 * The ingest summary and the per-event bookkeeping behind it (counts,
 * duplicate detection, where each record is written).
 *
 * @module
 */
import type { SelectionSet } from "../types.ts";
import type { ProjectConflict } from "../paths/mod.ts";
import type { LogEvent } from "./_common.ts";
import type { LogFormat } from "./detect_log_format.ts";

/** Counts by key. */
export type Counts = Record<string, number>;

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
  /** Log-named entries not read: links (never followed), FIFOs and other non-files. */
  left_out: { file: string; reason: string }[];
  projects: {
    manifests: number;
    ids: string[];
    /**
     * Absolute paths outside every known root whose folder names a project
     * that was not trusted (the log column, a manifest or the map decided).
     */
    conflicts: { count: number; examples: ProjectConflict[] };
  };
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

/** A fresh, all-zero summary. */
export function emptySummary(
  logs: string,
  out: string | null,
  ids: readonly string[],
): IngestSummary {
  return {
    logs,
    out,
    files: [],
    left_out: [],
    projects: {
      manifests: ids.length,
      ids: [...ids].sort(),
      conflicts: { count: 0, examples: [] },
    },
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
}

/** Which store file a record goes to. */
export type StoreName = "selections" | "crops" | "kept" | "rejections";

/** One file's entry in the summary. */
export type FileEntry = IngestSummary["files"][number];

/** Counts events into a summary; decides what gets written where. */
export class Tally {
  readonly summary: IngestSummary;
  readonly #seenSets = new Set<number>();
  readonly #seenKept = new Set<string>();
  readonly #recropped = new Set<string>();

  /** @param summary The summary to fill in. */
  constructor(summary: IngestSummary) {
    this.summary = summary;
  }

  /**
   * Count one event of a file; returns the store it belongs in and the
   * record, or null when it is not stored (a duplicate).
   */
  count(
    e: LogEvent,
    format: FileEntry["format"],
    entry: FileEntry,
  ): { store: StoreName; record: unknown } | null {
    const summary = this.summary;
    const fromCropRow = e.type === "selection" ||
      (e.type === "rejection" && e.category === "selection");
    if (format !== "review_decisions" && (format !== "crop_log" || !fromCropRow)) {
      entry.rows++;
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
      return { store: "rejections", record: r };
    } else if (e.type === "selection") {
      const s = e.set;
      const h = hash53(selectionKey(s));
      if (this.#seenSets.has(h)) {
        if (s.kind === "anomaly_export") inc(summary.anomalies.rejected, "duplicate");
        else summary.selection.duplicates++;
        return null;
      }
      this.#seenSets.add(h);
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
      return { store: "selections", record: s };
    } else if (e.type === "crop" && format === "review_decisions") {
      summary.reviews.crops++;
      if (e.label.no_crop) summary.reviews.no_crop++;
      return { store: "crops", record: e.label };
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
        this.#recropped.add(`${l.project}\0${l.image.filename}`);
      }
      inc(c.by_project, l.project);
      return { store: "crops", record: l };
    } else {
      const l = e.label;
      const key = `${l.project}\0${l.image.filename}`;
      if (this.#seenKept.has(key)) {
        summary.kept.duplicates++;
        return null;
      }
      this.#seenKept.add(key);
      summary.kept.labels++;
      inc(summary.kept.by_project, l.project);
      return { store: "kept", record: l };
    }
  }

  /** Fold a finished file's counters into the summary. */
  finishFile(format: FileEntry["format"], entry: FileEntry, counts: Counts): void {
    const summary = this.summary;
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
    summary.crops.recropped_images = this.#recropped.size;
  }
}
