/**
 * The one approval-rate definition keeper uses: the review page's stats and
 * `deno task report` both compute it here and show its wording.
 *
 * @module
 */
import type { ReviewAction } from "../types.ts";

/** How the approval rate is defined, in the words the page and the report show. */
export const APPROVAL_RATE_DEFINITION =
  "approved ÷ groups reviewed (every verdict counts: approve, override, reject and skip)";

/**
 * Share of reviewed groups with a given action (the approval rate for
 * `"approve"`): `counts[action]` ÷ all verdicts, skips included.
 *
 * @param counts Verdicts by action.
 * @param action Which action's share (default `"approve"`).
 * @returns The share in [0, 1], or null before any verdict.
 * @example
 * ```ts
 * actionRate({ approve: 2, override: 1, reject: 0, skip: 1 }); // 0.5
 * ```
 */
export function actionRate(
  counts: Record<ReviewAction, number>,
  action: ReviewAction = "approve",
): number | null {
  const reviewed = counts.approve + counts.override + counts.reject + counts.skip;
  return reviewed === 0 ? null : counts[action] / reviewed;
}
