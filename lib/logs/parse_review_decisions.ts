/**
 * Review results: `approved_decisions.jsonl` joined with the
 * `automation_decisions.jsonl` beside it (which names the images) → selection
 * sets of kind "review" and crop labels; rejects and skips are reported.
 *
 * @module
 */
import type {
  ApprovedDecision,
  AutomationDecision,
  Box,
  CropLabel,
  Rejection,
  SelectionSet,
} from "../types.ts";
import { readApprovedDecisions, readAutomationDecisions } from "../decisions/mod.ts";
import { SchemaError } from "../schema/mod.ts";
import {
  buildSet,
  type LogEvent,
  type ParseLogOptions,
  reject,
  resolveParseOptions,
} from "./_common.ts";

/** What a single-file parse returns. */
export interface ParsedReviews {
  sets: SelectionSet[];
  labels: CropLabel[];
  rejections: Rejection[];
  counts: Record<string, number>;
}

async function readOrReject<T>(
  file: string,
  read: (f: string) => Promise<T[]>,
): Promise<T[] | LogEvent> {
  try {
    return await read(file);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // A record too long, not UTF-8 or a duplicate group keeps its own reason and line.
    if (error instanceof SchemaError && error.reason !== "invalid_record") {
      return reject({ file: error.file, line: error.line }, error.reason, {
        field: error.field,
        detail,
      });
    }
    return reject({ file, line: 0 }, "invalid_decision_file", { detail });
  }
}

function reviewBox(coords: Box | null): { box: Box; noCrop: boolean; clamped: number } {
  if (coords === null) return { box: [0, 0, 1, 1], noCrop: true, clamped: 0 };
  let clamped = 0;
  const box = coords.map((v) => {
    if (v < 0 || v > 1) clamped++;
    return Math.min(1, Math.max(0, v));
  }) as Box;
  const full = box[0] <= 1e-3 && box[1] <= 1e-3 && box[2] >= 1 - 1e-3 && box[3] >= 1 - 1e-3;
  return full ? { box: [0, 0, 1, 1], noCrop: true, clamped: 0 } : { box, noCrop: false, clamped };
}

/**
 * Stream the review results of one `approved_decisions.jsonl`. The latest
 * record per group counts (a group reviewed twice counts once); approvals and
 * overrides become a "review" set (when the group has ≥ 2 images) and a crop
 * label (unless `manual_crop`); rejects and skips become rejections
 * `review_reject` / `review_skip`.
 *
 * @param approvedFile Path of `approved_decisions.jsonl`.
 * @param options Resolver, counters.
 * @returns Events.
 * @example
 * ```ts
 * import type { ProjectResolver } from "../paths/mod.ts";
 * declare const resolver: ProjectResolver;
 * for await (const e of iterateReviewDecisions("sandbox/approved_decisions.jsonl", { resolver })) {}
 * ```
 */
export async function* iterateReviewDecisions(
  approvedFile: string,
  options: ParseLogOptions = {},
): AsyncGenerator<LogEvent> {
  const opts = resolveParseOptions(options);
  const dir = approvedFile.includes("/")
    ? approvedFile.slice(0, approvedFile.lastIndexOf("/"))
    : ".";
  const autoFile = `${dir}/automation_decisions.jsonl`;
  const approved = await readOrReject<ApprovedDecision>(approvedFile, readApprovedDecisions);
  if (!Array.isArray(approved)) return yield approved;
  const automation = await readOrReject<AutomationDecision>(autoFile, readAutomationDecisions);
  if (!Array.isArray(automation)) return yield automation;
  const decisions = new Map(automation.map((d) => [d.group_id, d]));
  const latest = new Map<string, { record: ApprovedDecision; line: number }>();
  approved.forEach((record, i) => {
    const prev = latest.get(record.group_id);
    if (prev === undefined || prev.record.timestamp <= record.timestamp) {
      latest.set(record.group_id, { record, line: i + 1 });
    }
  });
  opts.counts["records"] = approved.length;
  opts.counts["superseded_reviews"] = approved.length - latest.size;
  for (const { record, line } of latest.values()) {
    const source = { file: approvedFile, line };
    const decision = decisions.get(record.group_id);
    if (decision === undefined) {
      yield reject(source, "unknown_group", { field: "group_id", detail: record.group_id });
      continue;
    }
    if (record.action === "reject" || record.action === "skip") {
      yield reject(source, `review_${record.action}`, { detail: record.group_id });
      continue;
    }
    const idx = record.final_choice ?? -1;
    const chosen = decision.images[idx];
    if (chosen === undefined) {
      yield reject(source, "bad_final_choice", { field: "final_choice", detail: String(idx) });
      continue;
    }
    const sessionId = `review ${record.timestamp.slice(0, 10)}`;
    const others = decision.images.filter((_, i) => i !== idx).map((im) => im.path);
    if (others.length > 0) {
      const e = buildSet({
        kind: "review",
        source,
        sessionId,
        setId: record.group_id,
        timestamp: record.timestamp,
        chosenPath: chosen.path,
        rejectedPaths: others,
        declared: decision.project,
        chosenField: "final_choice",
        rejectedField: "images",
      }, opts);
      if (e.type === "selection") {
        e.set.action = record.action;
        // The decision recorded each image's bytes: keep them, so train finds a file apply moved.
        e.set.chosen.sha256 = chosen.sha256;
        const rest = decision.images.filter((_, i) => i !== idx);
        e.set.rejected.forEach((r, i) => {
          const sha = rest[i]?.sha256;
          if (sha !== undefined) r.sha256 = sha;
        });
      }
      yield e;
      if (e.type === "rejection") continue;
    }
    if (record.manual_crop === true) {
      opts.counts["manual_crop"] = (opts.counts["manual_crop"] ?? 0) + 1;
      continue;
    }
    const res = opts.resolver.resolve(chosen.path, {
      sessionId,
      declared: decision.project,
      fallback: opts.fallbackProject,
    });
    if (res.ref.project === null) {
      yield reject(source, "unresolved_project", { field: "final_choice", detail: chosen.path });
      continue;
    }
    const { box, noCrop, clamped } = reviewBox(record.crop_coords);
    const label: CropLabel = {
      source,
      session_id: sessionId,
      set_id: record.group_id,
      project: res.ref.project,
      image: { ...res.ref, sha256: chosen.sha256 },
      width: chosen.width,
      height: chosen.height,
      box,
      no_crop: noCrop,
      units: "normalized",
      clamped,
      timestamp: record.timestamp,
    };
    // A review is the person's final word: never flagged as a re-crop.
    yield { type: "crop", label };
  }
}

/**
 * Parse one `approved_decisions.jsonl` (with its automation decisions).
 *
 * @param approvedFile Path of `approved_decisions.jsonl`.
 * @param options Resolver, counters.
 * @returns Sets, crop labels, rejections, counters.
 * @example
 * ```ts
 * const { sets } = await parseReviewDecisions("sandbox/approved_decisions.jsonl");
 * ```
 */
export async function parseReviewDecisions(
  approvedFile: string,
  options: ParseLogOptions = {},
): Promise<ParsedReviews> {
  const counts = options.counts ?? {};
  const out: ParsedReviews = { sets: [], labels: [], rejections: [], counts };
  for await (const e of iterateReviewDecisions(approvedFile, { ...options, counts })) {
    if (e.type === "selection") out.sets.push(e.set);
    else if (e.type === "crop") out.labels.push(e.label);
    else if (e.type === "rejection") out.rejections.push(e.rejection);
  }
  return out;
}
