/**
 * Review-session rates: how often the person approved, overrode, kept the AI
 * crop, and how long a group took.
 *
 * @module
 */
import type { AutomationDecision, ReviewAction } from "../types.ts";
import type { ReviewEntry } from "./review_store.ts";
import { actionRate, APPROVAL_RATE_DEFINITION } from "../report/mod.ts";

/** Figures of {@linkcode reviewStats}. */
export interface ReviewStats {
  total: number;
  reviewed: number;
  by_action: Record<ReviewAction, number>;
  /** Approved ÷ reviewed, skips included (lib/report `actionRate`, as `deno task report`); null before any verdict. */
  approval_rate: number | null;
  /** The approval rate's definition in words. */
  approval_definition: string;
  /** Overridden ÷ reviewed, skips included. */
  override_rate: number | null;
  /** Of approvals where keeper proposed a crop: share that kept it unchanged. */
  crop_acceptance: number | null;
  /** Mean and median seconds per reviewed group. */
  seconds_mean: number | null;
  seconds_median: number | null;
}

/** Options for {@linkcode reviewStats}. */
export interface ReviewStatsOptions {
  /** Boxes closer than this (max abs coordinate difference) count as unchanged. */
  cropTolerance?: number;
}

const defaults = { cropTolerance: 1e-3 } satisfies Required<ReviewStatsOptions>;

/**
 * Compute the stats of a review session.
 *
 * @param decisions The loaded decisions (the denominators).
 * @param entries Verdicts by group id.
 * @param options Crop tolerance.
 * @returns Rates and timing.
 * @example
 * ```ts
 * import type { AutomationDecision } from "../types.ts";
 * import type { ReviewStore } from "./review_store.ts";
 * declare const decisions: AutomationDecision[], store: ReviewStore;
 * const stats = reviewStats(decisions, store.all());
 * ```
 */
export function reviewStats(
  decisions: AutomationDecision[],
  entries: ReadonlyMap<string, ReviewEntry>,
  options: ReviewStatsOptions = {},
): ReviewStats {
  const opts = { ...defaults, ...options };
  const by_action: Record<ReviewAction, number> = { approve: 0, reject: 0, override: 0, skip: 0 };
  const seconds: number[] = [];
  let cropProposed = 0;
  let cropKept = 0;
  let reviewed = 0;
  for (const d of decisions) {
    const e = entries.get(d.group_id);
    if (e === undefined) continue;
    reviewed++;
    by_action[e.action]++;
    seconds.push(e.seconds_spent);
    const ai = d.step2_crop.needs_crop ? d.step2_crop.box : null;
    if (e.action === "approve" && ai !== null) {
      cropProposed++;
      const c = e.crop_coords;
      if (c !== null && c.every((v, i) => Math.abs(v - ai[i]!) <= opts.cropTolerance)) cropKept++;
    }
  }
  seconds.sort((a, b) => a - b);
  const mid = seconds.length >> 1;
  const median = seconds.length === 0
    ? null
    : seconds.length % 2 === 1
    ? seconds[mid]!
    : (seconds[mid - 1]! + seconds[mid]!) / 2;
  return {
    total: decisions.length,
    reviewed,
    by_action,
    approval_rate: actionRate(by_action, "approve"),
    approval_definition: APPROVAL_RATE_DEFINITION,
    override_rate: actionRate(by_action, "override"),
    crop_acceptance: cropProposed === 0 ? null : cropKept / cropProposed,
    seconds_mean: seconds.length === 0 ? null : seconds.reduce((a, b) => a + b, 0) / seconds.length,
    seconds_median: median,
  };
}
