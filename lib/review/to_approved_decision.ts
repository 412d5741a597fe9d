/**
 * Turn a stored verdict into one `approved_decisions.jsonl` record.
 *
 * @module
 */
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import type { ReviewEntry } from "./review_store.ts";

/** Options for {@linkcode toApprovedDecision}. */
export interface ToApprovedOptions {
  /** Round seconds to this many decimals (default 3). */
  secondsDecimals?: number;
}

const defaults = { secondsDecimals: 3 } satisfies Required<ToApprovedOptions>;

/**
 * Build the approved-decisions record for one reviewed group: the person's
 * verdict next to what keeper proposed (`ai_choice`, `ai_crop`).
 *
 * @param decision The automation decision that was reviewed.
 * @param entry The stored verdict for it.
 * @param options Rounding.
 * @returns The record (with `manual_crop` only when asked for).
 * @example
 * ```ts
 * import type { AutomationDecision } from "../types.ts";
 * import type { ReviewStore } from "./review_store.ts";
 * declare const decision: AutomationDecision, store: ReviewStore;
 * const rec = toApprovedDecision(decision, store.get(decision.group_id)!);
 * ```
 */
export function toApprovedDecision(
  decision: AutomationDecision,
  entry: ReviewEntry,
  options: ToApprovedOptions = {},
): ApprovedDecision {
  const opts = { ...defaults, ...options };
  if (decision.group_id !== entry.group_id) {
    throw new RangeError(
      `Cannot build record: verdict "${entry.group_id}" is not for group "${decision.group_id}"`,
    );
  }
  const scale = 10 ** opts.secondsDecimals;
  const record: ApprovedDecision = {
    group_id: entry.group_id,
    action: entry.action,
    final_choice: entry.final_choice,
    crop_coords: entry.crop_coords,
    ai_choice: decision.step1_selection.chosen_index,
    ai_crop: decision.step2_crop.needs_crop ? decision.step2_crop.box : null,
    timestamp: entry.timestamp,
    seconds_spent: Math.round(entry.seconds_spent * scale) / scale,
  };
  if (entry.manual_crop) record.manual_crop = true;
  return record;
}
