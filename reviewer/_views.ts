/**
 * What the page sees of a decision (no file system paths), batch filters and
 * ordering, and progress figures.
 *
 * @module
 */
import type { AutomationDecision, Box, ReviewAction } from "../lib/types.ts";
import type { ReviewEntry } from "../lib/review/mod.ts";
import { HttpError } from "./_http.ts";

/**
 * Batch filters of `load_batch?filter=`: one, or several joined by commas
 * (a group must match all of them). `pending`: not yet reviewed; `anomalies`:
 * flagged by decide (any flag but low confidence); `low_confidence`: decide's
 * low-confidence flag.
 */
export const FILTERS = [
  "all",
  "pending",
  "anomalies",
  "low_confidence",
  "crops",
  "auto_band",
] as const;
/** One batch filter. */
export type BatchFilter = typeof FILTERS[number];
/** Batch orders of `load_batch?order=`. */
export const ORDERS = ["file", "low_confidence"] as const;

/**
 * One group as sent to the page. Image URLs are not sent: the page builds
 * `/api/thumb/<group>/<index>?w=` and `/api/image/<group>/<index>` itself
 * (they were a quarter of every `load_batch` answer).
 */
export interface GroupView {
  group_id: string;
  project: string;
  position: number;
  images: {
    index: number;
    name: string;
    stage: number | null;
    width: number;
    height: number;
    score: number;
    probability: number | null;
  }[];
  ai: {
    choice: number;
    confidence: number;
    margin: number;
    reasons: string[];
    auto_approvable: boolean;
  };
  crop: { needs_crop: boolean; box: Box | null; confidence: number; reasons: string[] };
  flags: string[];
  review: ReviewEntry | null;
}

/** Progress over all loaded decisions. */
export interface ProgressView {
  reviewed: number;
  total: number;
  percent: number;
  by_action: Record<ReviewAction, number>;
  band_pending: number;
}

/** Whether a group is an anomaly (flagged by decide). */
export function isAnomaly(d: AutomationDecision): boolean {
  return d.flags.some((f) => f !== "low_confidence");
}

/** Whether decide flagged a group as low confidence. */
export function isLowConfidence(d: AutomationDecision): boolean {
  return d.flags.includes("low_confidence");
}

/** Whether a group passes one filter. */
export function passes(
  d: AutomationDecision,
  reviews: ReadonlyMap<string, ReviewEntry>,
  filter: BatchFilter,
): boolean {
  switch (filter) {
    case "all":
      return true;
    case "pending":
      return !reviews.has(d.group_id);
    case "anomalies":
      return isAnomaly(d);
    case "low_confidence":
      return isLowConfidence(d);
    case "crops":
      return d.step2_crop.needs_crop;
    case "auto_band":
      return inBand(d, reviews);
  }
}

/** Whether a pending group sits in the auto-approve band. */
export function inBand(d: AutomationDecision, reviews: ReadonlyMap<string, ReviewEntry>): boolean {
  return d.step1_selection.auto_approvable && !reviews.has(d.group_id);
}

/** Build the page's view of one group. */
export function groupView(
  d: AutomationDecision,
  position: number,
  review: ReviewEntry | undefined,
): GroupView {
  const id = d.group_id;
  return {
    group_id: id,
    project: d.project,
    position,
    images: d.images.map((im, index) => ({
      index,
      name: im.path.split("/").pop() ?? im.path,
      stage: im.stage,
      width: im.width,
      height: im.height,
      score: im.score,
      probability: (im as { probability?: number }).probability ?? null,
    })),
    ai: {
      choice: d.step1_selection.chosen_index,
      confidence: d.step1_selection.confidence,
      margin: d.step1_selection.margin,
      reasons: d.step1_selection.reasons,
      auto_approvable: d.step1_selection.auto_approvable,
    },
    crop: { ...d.step2_crop },
    flags: d.flags,
    review: review ?? null,
  };
}

/** Parse and check `load_batch` query parameters. */
export function parseBatchQuery(q: Record<string, string>): {
  size: number;
  offset: number | null;
  filter: BatchFilter[];
  order: typeof ORDERS[number];
  project: string | null;
} {
  for (const key of Object.keys(q)) {
    if (!["size", "offset", "filter", "order", "project"].includes(key)) {
      throw new HttpError(400, `Cannot load batch: unknown parameter "${key}"`);
    }
  }
  const int = (name: string, text: string | undefined, min: number, max: number, dflt: number) => {
    if (text === undefined) return dflt;
    if (!/^\d{1,6}$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new HttpError(
        400,
        `Cannot load batch: ${name} "${text}" is not an integer ${min}-${max}`,
      );
    }
    return Number(text);
  };
  const size = int("size", q.size, 1, 500, 50);
  const offset = q.offset === undefined ? null : int("offset", q.offset, 0, 999999, 0);
  const filter = (q.filter ?? "all").split(",") as BatchFilter[];
  for (const f of filter) {
    if (!FILTERS.includes(f)) {
      throw new HttpError(
        400,
        `Cannot load batch: filter "${f}" is not one of ${
          FILTERS.join(", ")
        } (join several with ",")`,
      );
    }
  }
  const project = q.project ?? null;
  if (project !== null && (project.length === 0 || project.length > 200)) {
    throw new HttpError(400, "Cannot load batch: project must be 1-200 characters");
  }
  const order = (q.order ?? "file") as typeof ORDERS[number];
  if (!ORDERS.includes(order)) {
    throw new HttpError(
      400,
      `Cannot load batch: order "${q.order}" is not one of ${ORDERS.join(", ")}`,
    );
  }
  return { size, offset, filter: [...new Set(filter)].sort(), order, project };
}

/** Select and order decisions for a batch query. */
export function selectGroups(
  decisions: AutomationDecision[],
  reviews: ReadonlyMap<string, ReviewEntry>,
  filter: BatchFilter | BatchFilter[],
  order: typeof ORDERS[number],
  project: string | null = null,
): AutomationDecision[] {
  const fs = Array.isArray(filter) ? filter : [filter];
  const keep = decisions.filter((d) =>
    (project === null || d.project === project) && fs.every((f) => passes(d, reviews, f))
  );
  if (order === "low_confidence") {
    // Stable: ties keep file order.
    return keep.map((d, i) => ({ d, i }))
      .sort((a, b) => a.d.step1_selection.confidence - b.d.step1_selection.confidence || a.i - b.i)
      .map((x) => x.d);
  }
  return keep;
}

/** Progress over all loaded decisions. */
export function progressOf(
  decisions: AutomationDecision[],
  reviews: ReadonlyMap<string, ReviewEntry>,
): ProgressView {
  const by_action: Record<ReviewAction, number> = { approve: 0, reject: 0, override: 0, skip: 0 };
  let reviewed = 0;
  let band = 0;
  for (const d of decisions) {
    const r = reviews.get(d.group_id);
    if (r === undefined) {
      if (d.step1_selection.auto_approvable) band++;
      continue;
    }
    reviewed++;
    by_action[r.action]++;
  }
  const total = decisions.length;
  const percent = total === 0 ? 0 : Math.round((reviewed / total) * 1000) / 10;
  return { reviewed, total, percent, by_action, band_pending: band };
}

/** Counts beside each filter choice, given the others. */
export interface FilterCounts {
  /** Groups matching each filter added to the current ones (same project). */
  filters: Record<BatchFilter, number>;
  /** Groups matching the current filters, per project. */
  projects: Record<string, number>;
  /** Groups in the current project (all projects: every group). */
  total: number;
}

/** How many groups each filter (combined with the current ones) and each project would show. */
export function filterCounts(
  decisions: AutomationDecision[],
  reviews: ReadonlyMap<string, ReviewEntry>,
  filter: BatchFilter[],
  project: string | null,
): FilterCounts {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, 0])) as Record<BatchFilter, number>;
  const projects: Record<string, number> = {};
  let total = 0;
  for (const d of decisions) {
    const current = filter.every((f) => passes(d, reviews, f));
    if (current) projects[d.project] = (projects[d.project] ?? 0) + 1;
    else projects[d.project] ??= 0;
    if (project !== null && d.project !== project) continue;
    total++;
    if (!current) continue;
    for (const f of FILTERS) if (passes(d, reviews, f)) filters[f]++;
  }
  return { filters, projects, total };
}
