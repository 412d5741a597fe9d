/**
 * Calibration metrics: expected calibration error, the reliability curve
 * and the auto-approve band (confidence threshold reaching a precision).
 *
 * @module
 */
import { mulberry32 } from "../random/mod.ts";

/** One reliability-curve bin. */
export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  confidence: number;
  accuracy: number;
}

/**
 * Reliability curve over equal-width confidence bins.
 *
 * @param confidence Confidence of each pick.
 * @param correct Whether each pick was right.
 * @param bins Number of bins.
 * @returns Non-empty bins with mean confidence and accuracy.
 * @example
 * ```ts
 * reliability([0.9, 0.6], [true, false], 10);
 * ```
 */
export function reliability(confidence: number[], correct: boolean[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = b / bins, hi = (b + 1) / bins;
    let n = 0, c = 0, a = 0;
    confidence.forEach((p, i) => {
      if ((p > lo || (b === 0 && p >= lo)) && p <= hi) {
        n++;
        c += p;
        if (correct[i]) a++;
      }
    });
    if (n > 0) out.push({ lo, hi, count: n, confidence: c / n, accuracy: a / n });
  }
  return out;
}

/**
 * Expected calibration error: count-weighted |accuracy − confidence| over bins.
 *
 * @param confidence Confidence of each pick.
 * @param correct Whether each pick was right.
 * @param bins Number of bins.
 * @returns ECE in [0, 1].
 * @example
 * ```ts
 * ece([1, 1], [true, true]); // 0
 * ```
 */
export function ece(confidence: number[], correct: boolean[], bins = 10): number {
  const n = confidence.length;
  if (n === 0) return 0;
  return reliability(confidence, correct, bins).reduce(
    (s, b) => s + (b.count / n) * Math.abs(b.accuracy - b.confidence),
    0,
  );
}

/** What {@linkcode eceFloor} returns. */
export interface EceFloor {
  /** Median ECE of a perfectly calibrated ranker giving these confidences. */
  median: number;
  /** Its 90th percentile: a measured ECE above it is unlikely to be chance alone. */
  p90: number;
}

/** Options for {@linkcode eceFloor}. */
export interface EceFloorOptions {
  /** Outcome draws. */
  draws?: number;
  /** Seed of the draws. */
  seed?: number;
  bins?: number;
}

const floorDefaults = { draws: 400, seed: 1, bins: 10 } satisfies Required<EceFloorOptions>;

/**
 * The ECE a perfectly calibrated ranker would show on this many picks: each pick drawn right with
 * the probability its confidence states, ECE measured, repeated. Binned ECE is never 0 on a
 * finite set (a bin of n picks at 0.9 misses its accuracy by about √(0.09 / n)), so on a few
 * hundred test sets a measured ECE is only read against this floor.
 *
 * @param confidence Confidence of each pick.
 * @param options Draws, seed, bins.
 * @returns Median and 90th percentile of the drawn ECEs (0 and 0 without picks).
 * @example
 * ```ts
 * eceFloor([0.9, 0.8, 0.99]).median; // well above 0 on three picks
 * ```
 */
export function eceFloor(confidence: number[], options: EceFloorOptions = {}): EceFloor {
  const o = { ...floorDefaults, ...options };
  if (confidence.length === 0 || o.draws < 1) return { median: 0, p90: 0 };
  const rand = mulberry32(o.seed);
  const drawn: number[] = [];
  for (let d = 0; d < o.draws; d++) {
    drawn.push(ece(confidence, confidence.map((c) => rand() < c), o.bins));
  }
  drawn.sort((a, b) => a - b);
  const at = (q: number) => drawn[Math.min(drawn.length - 1, Math.floor(q * drawn.length))]!;
  return { median: at(0.5), p90: at(0.9) };
}

/**
 * The lowest confidence threshold whose picks at or above it reach the
 * target precision (largest coverage), or null when none does.
 *
 * @param confidence Validation confidences.
 * @param correct Validation correctness.
 * @param target Precision to reach (e.g. 0.97).
 * @param minCount Fewest picks a threshold must cover to be trusted.
 * @returns Threshold or null.
 * @example
 * ```ts
 * autoApproveThreshold([0.99, 0.6], [true, false], 0.97, 1); // 0.99
 * ```
 */
export function autoApproveThreshold(
  confidence: number[],
  correct: boolean[],
  target: number,
  minCount = 10,
): number | null {
  const order = confidence.map((_, i) => i).sort((a, b) => confidence[b]! - confidence[a]!);
  let ok = 0, best: number | null = null;
  order.forEach((i, k) => {
    if (correct[i]) ok++;
    const n = k + 1;
    const next = order[k + 1];
    // Only cut between distinct confidences.
    if (next !== undefined && confidence[next] === confidence[i]) return;
    if (n >= minCount && ok / n >= target) best = confidence[i]!;
  });
  return best;
}

/**
 * Precision and coverage of picks at or above a threshold.
 *
 * @param confidence Confidences.
 * @param correct Correctness.
 * @param threshold Threshold (null → nothing approved).
 * @returns Precision (null when nothing covered) and coverage.
 * @example
 * ```ts
 * bandScores([0.99, 0.6], [true, false], 0.9); // { precision: 1, coverage: 0.5 }
 * ```
 */
export function bandScores(
  confidence: number[],
  correct: boolean[],
  threshold: number | null,
): { precision: number | null; coverage: number } {
  if (threshold === null || confidence.length === 0) return { precision: null, coverage: 0 };
  let n = 0, ok = 0;
  confidence.forEach((p, i) => {
    if (p >= threshold) {
      n++;
      if (correct[i]) ok++;
    }
  });
  return { precision: n ? ok / n : null, coverage: n / confidence.length };
}

/**
 * Precision and coverage of the picks a ranker's band approved.
 *
 * @param approved Whether each pick was inside the band.
 * @param correct Correctness.
 * @returns Precision (null when nothing approved) and coverage.
 * @example
 * ```ts
 * approvedScores([true, false], [true, false]); // { precision: 1, coverage: 0.5 }
 * ```
 */
export function approvedScores(
  approved: boolean[],
  correct: boolean[],
): { precision: number | null; coverage: number } {
  if (approved.length === 0) return { precision: null, coverage: 0 };
  let n = 0, ok = 0;
  approved.forEach((a, i) => {
    if (a) {
      n++;
      if (correct[i]) ok++;
    }
  });
  return { precision: n ? ok / n : null, coverage: n / approved.length };
}

/**
 * What follows an ECE in a summary line: the floor beside it, or "" where the figures lack it (a
 * report written before the floor was measured).
 *
 * @param k Evaluation figures with `ece_floor` and `ece_floor_p90`.
 * @returns E.g. " (perfectly calibrated: median 0.024, 90 % below 0.037)".
 * @example
 * ```ts
 * `ECE 0.035${formatEceFloor({ ece_floor: 0.024, ece_floor_p90: 0.037 })}`;
 * ```
 */
export function formatEceFloor(k: { ece_floor?: number; ece_floor_p90?: number }): string {
  return typeof k.ece_floor === "number" && typeof k.ece_floor_p90 === "number"
    ? ` (perfectly calibrated: median ${k.ece_floor.toFixed(3)}, 90 % below ${
      k.ece_floor_p90.toFixed(3)
    })`
    : "";
}
