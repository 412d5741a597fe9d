/**
 * What the page sees of a decision (no file system paths), batch filters and
 * ordering, and progress figures.
 *
 * @module
 */
import type { AutomationDecision, Box, ReviewAction } from "../lib/types.ts";
import type { ReviewEntry } from "../lib/review/mod.ts";
import { HttpError } from "./_http.ts";

/** Batch filters of `load_batch?filter=`. */
export const FILTERS = ["all", "pending", "anomalies", "crops", "auto_band"] as const;
/** Batch orders of `load_batch?order=`. */
export const ORDERS = ["file", "low_confidence"] as const;

/** One group as sent to the page. */
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
    thumb: string;
    full: string;
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
      thumb: `/api/thumb/${id}/${index}?w=512`,
      full: `/api/image/${id}/${index}`,
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
  filter: typeof FILTERS[number];
  order: typeof ORDERS[number];
} {
  for (const key of Object.keys(q)) {
    if (!["size", "offset", "filter", "order"].includes(key)) {
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
  const filter = (q.filter ?? "all") as typeof FILTERS[number];
  if (!FILTERS.includes(filter)) {
    throw new HttpError(
      400,
      `Cannot load batch: filter "${q.filter}" is not one of ${FILTERS.join(", ")}`,
    );
  }
  const order = (q.order ?? "file") as typeof ORDERS[number];
  if (!ORDERS.includes(order)) {
    throw new HttpError(
      400,
      `Cannot load batch: order "${q.order}" is not one of ${ORDERS.join(", ")}`,
    );
  }
  return { size, offset, filter, order };
}

/** Select and order decisions for a batch query. */
export function selectGroups(
  decisions: AutomationDecision[],
  reviews: ReadonlyMap<string, ReviewEntry>,
  filter: typeof FILTERS[number],
  order: typeof ORDERS[number],
): AutomationDecision[] {
  const keep = decisions.filter((d) =>
    filter === "all" ||
    (filter === "pending" && !reviews.has(d.group_id)) ||
    (filter === "anomalies" && isAnomaly(d)) ||
    (filter === "crops" && d.step2_crop.needs_crop) ||
    (filter === "auto_band" && inBand(d, reviews))
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
