/**
 * Phase-5 metrics from review sessions: how often the person approved,
 * overrode, rejected or skipped keeper's proposals, how often the proposed
 * crop was kept, how long a group took, and the time saved against culling
 * by hand.
 *
 * @module
 */
import type { ApprovedDecision, AutomationDecision, Box } from "../types.ts";
import { median } from "../math/mod.ts";
import { actionRate } from "./approval_rate.ts";

/** Options for {@linkcode reviewMetrics}. */
export interface ReviewMetricsOptions {
  /**
   * Seconds a person spends per group when culling and cropping by hand
   * (the manual baseline). See {@linkcode manualSecondsPerGroup}. `null`:
   * unknown (no timesheet), so time saved is `null` too.
   */
  manualSecondsPerGroup?: number | null;
  /** Corner tolerance for "crop accepted" (the original's crop_match used 0.05). */
  cropTolerance?: number;
}

const defaults: Required<ReviewMetricsOptions> = {
  manualSecondsPerGroup: 15,
  cropTolerance: 0.05,
};

/** Rates over a set of reviewed groups. */
export interface ReviewRates {
  groups: number;
  approved: number;
  overridden: number;
  rejected: number;
  skipped: number;
  approval_rate: number;
  override_rate: number;
  reject_rate: number;
  skip_rate: number;
  /** Share of AI crops the person kept (within tolerance) among picks where the AI proposed one. */
  crop_acceptance: number | null;
  /** Groups where the AI proposed a crop and the pick was approved or overridden. */
  crop_proposals: number;
  seconds_per_group_mean: number;
  seconds_per_group_median: number;
  /** Manual baseline minus time spent, in seconds (positive = saved); `null` without a baseline. */
  time_saved_seconds: number | null;
}

/** The full report. */
export interface ReviewMetrics extends ReviewRates {
  /** `null`: no manual baseline known (no timesheet, no flag). */
  manual_seconds_per_group: number | null;
  by_project: Record<string, ReviewRates>;
  /** Keyed by UTC day `YYYY-MM-DD` of the review timestamp. */
  by_day: Record<string, ReviewRates>;
  /** Approved records whose group is missing from the automation decisions. */
  unmatched: number;
}

/**
 * Whether two boxes agree within `tol` on every coordinate.
 *
 * @param a A box.
 * @param b A box.
 * @param tol Tolerance per coordinate.
 * @returns True when all four corners are within `tol`.
 * @example
 * ```ts
 * boxesMatch([0, 0, 1, 1], [0.01, 0, 1, 0.98], 0.05); // true
 * ```
 */
export function boxesMatch(a: Box, b: Box, tol: number): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

function rates(records: ApprovedDecision[], opts: Required<ReviewMetricsOptions>): ReviewRates {
  const n = records.length;
  const count = (a: string) => records.filter((r) => r.action === a).length;
  const approved = count("approve");
  const overridden = count("override");
  const rejected = count("reject");
  const skipped = count("skip");
  const counts = { approve: approved, override: overridden, reject: rejected, skip: skipped };
  const withCrop = records.filter((r) =>
    (r.action === "approve" || r.action === "override") && r.ai_crop !== null &&
    r.final_choice === r.ai_choice
  );
  const accepted =
    withCrop.filter((r) =>
      r.crop_coords !== null && boxesMatch(r.crop_coords, r.ai_crop!, opts.cropTolerance)
    ).length;
  const seconds = records.map((r) => r.seconds_spent);
  const spent = seconds.reduce((a, b) => a + b, 0);
  return {
    groups: n,
    approved,
    overridden,
    rejected,
    skipped,
    // One definition with the review page (approval_rate.ts): shares of every verdict.
    approval_rate: actionRate(counts, "approve") ?? 0,
    override_rate: actionRate(counts, "override") ?? 0,
    reject_rate: actionRate(counts, "reject") ?? 0,
    skip_rate: actionRate(counts, "skip") ?? 0,
    crop_acceptance: withCrop.length > 0 ? accepted / withCrop.length : null,
    crop_proposals: withCrop.length,
    seconds_per_group_mean: n > 0 ? spent / n : 0,
    seconds_per_group_median: median(seconds),
    time_saved_seconds: opts.manualSecondsPerGroup === null
      ? null
      : n * opts.manualSecondsPerGroup - spent,
  };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/**
 * Review metrics overall, per project and per day.
 *
 * @param approved Records of `approved_decisions.jsonl` (the latest record per group counts).
 * @param decisions Records of `automation_decisions.jsonl` (for each group's project).
 * @param options Manual baseline and crop tolerance.
 * @returns The metrics.
 * @example
 * ```ts
 * import type { ApprovedDecision, AutomationDecision } from "../types.ts";
 * declare const approvedRecords: ApprovedDecision[], decisionRecords: AutomationDecision[];
 * const m = reviewMetrics(approvedRecords, decisionRecords, { manualSecondsPerGroup: 20 });
 * m.approval_rate;
 * ```
 */
export function reviewMetrics(
  approved: ApprovedDecision[],
  decisions: AutomationDecision[],
  options: ReviewMetricsOptions = {},
): ReviewMetrics {
  const opts = { ...defaults, ...options };
  // A group reviewed twice (undo, re-submit) counts once: its latest record.
  const latest = new Map<string, ApprovedDecision>();
  for (const r of approved) {
    const prev = latest.get(r.group_id);
    if (!prev || prev.timestamp <= r.timestamp) latest.set(r.group_id, r);
  }
  const records = [...latest.values()];
  const projectOf = new Map(decisions.map((d) => [d.group_id, d.project]));
  const unmatched = records.filter((r) => !projectOf.has(r.group_id)).length;
  const byProject: Record<string, ReviewRates> = {};
  for (const [k, list] of groupBy(records, (r) => projectOf.get(r.group_id) ?? "(unknown)")) {
    byProject[k] = rates(list, opts);
  }
  const byDay: Record<string, ReviewRates> = {};
  const days = groupBy(records, (r) => r.timestamp.slice(0, 10));
  for (const k of [...days.keys()].sort()) byDay[k] = rates(days.get(k)!, opts);
  return {
    ...rates(records, opts),
    manual_seconds_per_group: opts.manualSecondsPerGroup,
    by_project: byProject,
    by_day: byDay,
    unmatched,
  };
}

/** What {@linkcode manualSecondsPerGroup} reads from a project manifest. */
export interface ManifestTiming {
  projectId?: string;
  counts?: { initialImages?: number | null };
  metrics?: { totalHours?: number | null };
}

/**
 * The manual baseline from the creator's own timesheets: total hours over
 * the number of groups (initial images ÷ mean group size) across projects
 * that record both. Returns `undefined` when no manifest has hours.
 *
 * @param manifests Parsed `*.project.json` files.
 * @param meanGroupSize Images per group (the logs show about 2.9).
 * @returns Seconds per group, or undefined.
 * @example
 * ```ts
 * manualSecondsPerGroup([{ counts: { initialImages: 2900 }, metrics: { totalHours: 1 } }], 2.9); // 3.6
 * ```
 */
export function manualSecondsPerGroup(
  manifests: ManifestTiming[],
  meanGroupSize = 2.9,
): number | undefined {
  let hours = 0;
  let images = 0;
  for (const m of manifests) {
    const h = m.metrics?.totalHours;
    const n = m.counts?.initialImages;
    if (typeof h === "number" && h > 0 && typeof n === "number" && n > 0) {
      hours += h;
      images += n;
    }
  }
  if (images === 0) return undefined;
  return (hours * 3600) / (images / meanGroupSize);
}
