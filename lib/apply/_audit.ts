/**
 * The audit log: JSON lines compatible with the original FileTracker
 * (`type`, `script`, `session_id`, `batch_id`, `timestamp`, `operation`,
 * `source_dir`, `dest_dir`, `file_count` = images only, `files` when ≤ 10 else
 * `files_sample` = first 5, `notes`). Written in sandbox mode too.
 *
 * @module
 */
import { dirname, posix } from "node:path";
import { isImageName } from "../paths/mod.ts";
import type { PlanStep } from "./types.ts";

/** The `script` field of every entry. */
export const AUDIT_SCRIPT = "keeper apply";

/** One FileTracker-style entry. */
export interface AuditEntry {
  type: "file_operation" | "session_start" | "session_end";
  script: string;
  session_id: string;
  timestamp: string;
  batch_id?: string;
  operation?: string;
  source_dir?: string;
  dest_dir?: string;
  file_count?: number;
  files?: string[];
  files_sample?: string[];
  notes?: string;
}

/** Entries for a batch of steps: one per (operation, source dir, dest dir). */
export function auditEntries(
  runId: string,
  steps: readonly PlanStep[],
  notes: string,
  undo = false,
): AuditEntry[] {
  const buckets = new Map<
    string,
    { op: string; from: string; to: string; files: string[]; gid: string }
  >();
  for (const s of steps) {
    if (s.kind === "mkdir") continue;
    const op = undo ? (s.kind === "move" ? "move" : "delete") : s.kind;
    const from = undo ? posix.dirname(s.dest) : posix.dirname(s.source);
    const to = undo ? (s.kind === "move" ? posix.dirname(s.source) : "") : posix.dirname(s.dest);
    const key = `${op}\0${from}\0${to}\0${s.group_id}`;
    const b = buckets.get(key) ?? { op, from, to, files: [], gid: s.group_id };
    b.files.push(posix.basename(undo ? s.dest : s.source));
    buckets.set(key, b);
  }
  const time = new Date().toISOString();
  return [...buckets.values()].map((b) => {
    const e: AuditEntry = {
      type: "file_operation",
      script: AUDIT_SCRIPT,
      session_id: runId,
      batch_id: b.gid,
      timestamp: time,
      operation: b.op,
      source_dir: b.from,
      dest_dir: b.to,
      file_count: b.files.filter((f) => isImageName(f)).length,
      notes,
    };
    if (b.files.length <= 10) e.files = b.files;
    else e.files_sample = b.files.slice(0, 5);
    return e;
  });
}

/** A session start/end entry. */
export function sessionEntry(
  runId: string,
  type: "session_start" | "session_end",
  notes: string,
): AuditEntry {
  return {
    type,
    script: AUDIT_SCRIPT,
    session_id: runId,
    timestamp: new Date().toISOString(),
    notes,
  };
}

/** Append entries (one JSON object per line); the log is not the journal, so no fsync per call. */
export function appendAudit(path: string, entries: readonly AuditEntry[]): void {
  if (entries.length === 0) return;
  Deno.mkdirSync(dirname(path), { recursive: true });
  Deno.writeTextFileSync(path, entries.map((e) => JSON.stringify(e) + "\n").join(""), {
    append: true,
  });
}
