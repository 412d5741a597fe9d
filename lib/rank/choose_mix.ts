/**
 * How the ranker's MLP score and the chain model's log-probability are mixed, chosen on the
 * out-of-fold scores of every logged set (lib/rank/cross_fit.ts) instead of the real ranker's
 * one validation split: with ~15 % of a creator's history held for validation, a handful of
 * anomalies decided the mix and the split seed swung it from 1×chain to 4×chain.
 *
 * @module
 */
import { fitTemperature, groupNll } from "./calibration.ts";
import { CHAIN_MIXES, type ChainMix, mixChainScores } from "./chain_model.ts";
import type { OutOfFold } from "./cross_fit.ts";
import type { ChainValidation } from "./train_ranker.ts";

/** Options for {@linkcode chooseMixOutOfFold}. */
export interface ChooseMixOptions {
  /** Mixes tried (the first wins ties). */
  mixes?: readonly ChainMix[];
  /** Fewest out-of-fold sets with a chain verdict to choose from (else null: keep validation's). */
  minSets?: number;
}

const defaults = { mixes: CHAIN_MIXES, minSets: 100 } satisfies Required<ChooseMixOptions>;

/** What {@linkcode chooseMixOutOfFold} returns. */
export interface MixChoice {
  mix: ChainMix;
  /** Temperature of the chosen mix's out-of-fold scores. */
  temperature: number;
  /** Every mix's out-of-fold NLL (at its own temperature), accuracy and anomaly accuracy. */
  figures: Record<string, ChainValidation>;
}

function argmax(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

/**
 * The mix with the lowest out-of-fold NLL, each mix at its own fitted temperature.
 *
 * @param oof Out-of-fold records carrying the fold's MLP scores and chain log-probabilities.
 * @param options Mixes and the minimum evidence.
 * @returns The choice, or null when too few sets carry a chain verdict.
 * @example
 * ```ts
 * import { crossFitRanker } from "./cross_fit.ts";
 * declare const logged: Parameters<typeof crossFitRanker>[0];
 * const choice = chooseMixOutOfFold(await crossFitRanker(logged));
 * ```
 */
export function chooseMixOutOfFold(
  oof: readonly OutOfFold[],
  options: ChooseMixOptions = {},
): MixChoice | null {
  const o = { ...defaults, ...options };
  if (oof.filter((r) => r.chain).length < o.minSets) return null;
  let best: MixChoice | null = null, bestNll = Infinity;
  const figures: Record<string, ChainValidation> = {};
  for (const mix of o.mixes) {
    const groups = oof.map((r) => ({
      scores: mixChainScores(r.mlp, r.chain, mix),
      chosen: r.chosen,
    }));
    // Fold scores may be on any scale: a weak prior (sd 2 on log T), the data decide.
    const temperature = fitTemperature(groups, { priorSd: 2 });
    const nll = groupNll(groups, temperature);
    let ok = 0, an = 0, anOk = 0;
    groups.forEach((g, i) => {
      const hit = argmax(g.scores) === g.chosen;
      if (hit) ok++;
      if (oof[i]!.anomaly) (an++, hit && anOk++);
    });
    figures[`${mix.mlp}*mlp+${mix.chain}*chain`] = {
      nll,
      acc: ok / Math.max(1, groups.length),
      anomaly_acc: an ? anOk / an : 0,
    };
    if (nll < bestNll - 1e-9) (bestNll = nll), (best = { mix, temperature, figures });
  }
  return best;
}
