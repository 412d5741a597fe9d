/**
 * Pairwise precision / recall / F1 of a grouping against ground truth.
 *
 * @module
 */

/** Options for {@linkcode scoreGrouping}. */
export interface ScoreGroupingOptions {
  /** Map a path to the identity both sides share (default: the path itself). */
  key?: (path: string) => string;
  /**
   * Only score items the truth knows (default true): predicted members the
   * truth never mentions are ignored rather than counted as false pairs.
   */
  onlyKnown?: boolean;
}

const defaults = {
  key: (p: string) => p,
  onlyKnown: true,
} satisfies Required<ScoreGroupingOptions>;

/** Pairwise agreement of two groupings. */
export interface GroupingScore {
  precision: number;
  recall: number;
  f1: number;
  /** Same-group pairs in both / only predicted / only true. */
  true_pairs: number;
  false_pairs: number;
  missed_pairs: number;
}

/**
 * Pairwise scores: a pair of images is "together" when they share a group.
 * Precision = predicted-together pairs that are truly together; recall = true
 * pairs that were predicted together. Singletons contribute no pairs. With no
 * predicted (true) pairs, precision (recall) is 1.
 *
 * @param predicted Predicted groups (lists of paths).
 * @param truth True groups (lists of paths; singletons may be listed or not).
 * @param options Key function and unknown-item policy.
 * @returns Precision, recall, F1 and pair counts.
 * @example
 * ```ts
 * scoreGrouping([["a", "b"], ["c", "d"]], [["a", "b", "c"]]).precision; // 0.5
 * ```
 */
export function scoreGrouping(
  predicted: readonly (readonly string[])[],
  truth: readonly (readonly string[])[],
  options: ScoreGroupingOptions = {},
): GroupingScore {
  const opts = { ...defaults, ...options };
  const trueGroup = new Map<string, number>();
  truth.forEach((g, gi) => {
    for (const p of g) trueGroup.set(opts.key(p), gi);
  });
  const pairs = (n: number): number => (n * (n - 1)) / 2;
  let predPairs = 0, tp = 0;
  const seen = new Set<string>();
  for (const g of predicted) {
    const keys = g.map(opts.key).filter((k) =>
      !seen.has(k) && (!opts.onlyKnown || trueGroup.has(k))
    );
    for (const k of keys) seen.add(k);
    predPairs += pairs(keys.length);
    const cells = new Map<number, number>();
    for (const k of keys) {
      const t = trueGroup.get(k);
      if (t !== undefined) cells.set(t, (cells.get(t) ?? 0) + 1);
    }
    for (const c of cells.values()) tp += pairs(c);
  }
  let truePairs = 0;
  const sizes = new Map<number, number>();
  for (const t of trueGroup.values()) sizes.set(t, (sizes.get(t) ?? 0) + 1);
  for (const s of sizes.values()) truePairs += pairs(s);
  const precision = predPairs === 0 ? 1 : tp / predPairs;
  const recall = truePairs === 0 ? 1 : tp / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    precision,
    recall,
    f1,
    true_pairs: tp,
    false_pairs: predPairs - tp,
    missed_pairs: truePairs - tp,
  };
}
