/**
 * The chain model's L2 penalty, chosen by K-fold cross-validation on the
 * training sets: every training set's keep-probabilities come from a chain
 * model fitted without it, and the penalty whose out-of-fold group NLL (at
 * its own fitted temperature) is lowest wins. The ~100 broken steps of a
 * history decide which penalty overfits far more steadily than the ~25
 * anomalies of a 15 % validation split, where a small penalty could win by
 * chance and then learn that some unusual changes are healthy.
 *
 * @module
 */
import { fitTemperature, groupNll } from "./calibration.ts";
import {
  type ChainGroup,
  chainLogProbabilities,
  fitChainModel,
  type FitChainOptions,
} from "./chain_model.ts";
import type { RankFeatureLayout } from "./rank_features.ts";

/** Options for {@linkcode chooseChainPenalty}. */
export interface ChooseChainPenaltyOptions {
  /** Penalties tried (the largest wins ties). */
  penalties?: readonly number[];
  /** Folds (set i goes to fold i mod folds). */
  folds?: number;
  /** Passed to every fit (taste features, broken-step weight); `l2` is set per candidate. */
  fit?: Omit<FitChainOptions, "l2">;
}

const defaults = {
  penalties: [0.1, 0.3, 1, 3, 10],
  folds: 5,
  fit: {},
} satisfies Required<ChooseChainPenaltyOptions>;

/** The chosen penalty and every candidate's out-of-fold NLL (keyed by the penalty). */
export interface ChainPenaltyChoice {
  l2: number;
  cv_nll: Record<string, number>;
}

/**
 * Choose the chain model's penalty by cross-validation on the training sets.
 *
 * @param groups Training groups with their kept member.
 * @param layout The ranker layout (transitions with a reference).
 * @param options Penalties, folds, fit options.
 * @returns The choice, or null when some fold cannot be fitted (no broken step in it).
 * @example
 * ```ts
 * declare const train: Parameters<typeof chooseChainPenalty>[0], layout: Parameters<typeof chooseChainPenalty>[1];
 * const { l2 } = chooseChainPenalty(train, layout, { fit: { brokenWeight: 2 } }) ?? { l2: 1 };
 * ```
 */
export function chooseChainPenalty(
  groups: ChainGroup[],
  layout: RankFeatureLayout,
  options: ChooseChainPenaltyOptions = {},
): ChainPenaltyChoice | null {
  const o = { ...defaults, ...options };
  if (!(o.folds >= 2)) throw new RangeError(`Cannot cross-validate: folds is ${o.folds}, need ≥ 2`);
  if (o.penalties.length === 0) throw new RangeError("Cannot choose a penalty: none given");
  const cv_nll: Record<string, number> = {};
  let best: { l2: number; nll: number } | null = null;
  for (const l2 of [...o.penalties].sort((a, b) => b - a)) {
    const out: { scores: number[]; chosen: number }[] = [];
    for (let k = 0; k < o.folds; k++) {
      const fitOn = groups.filter((_, i) => i % o.folds !== k);
      const model = fitChainModel(fitOn, layout, { ...o.fit, l2 });
      if (!model) return null;
      groups.forEach((g, i) => {
        if (i % o.folds !== k) return;
        const lp = chainLogProbabilities(model, g.members, layout);
        if (lp) out.push({ scores: lp, chosen: g.chosen });
      });
    }
    if (out.length === 0) return null;
    const nll = groupNll(out, fitTemperature(out));
    cv_nll[String(l2)] = nll;
    if (!best || nll < best.nll - 1e-9) best = { l2, nll };
  }
  return best ? { l2: best.l2, cv_nll } : null;
}
