/**
 * Cross-fitting: every logged set scored by a ranker trained (with its own
 * validation split, as the real one is) without it. Temperature and the
 * auto-approve band are fitted on these out-of-fold scores, so they rest on
 * all logged sets instead of one small validation split.
 *
 * @module
 */
import {
  isAnomaly,
  type RankGroup,
  refitRankerChain,
  trainRanker,
  type TrainRankerOptions,
} from "./train_ranker.ts";
import { rankerFrom } from "./ranker.ts";
import { chainLogProbabilities } from "./chain_model.ts";

/** One logged set scored out of fold. */
export interface OutOfFold {
  id: string;
  project: string;
  chosen: number;
  /** Raw scores of the fold's ranker. */
  scores: number[];
  /** The fold ranker's own (validation-fitted) temperature. */
  temperature: number;
  /** Highest P(step broken) by the fold's chain model (0 without one). */
  suspicion: number;
  /** The fold's MLP scores alone, and its chain model's log-probabilities (null: none). */
  mlp: number[];
  chain: number[] | null;
  /** The creator kept a stage below the highest. */
  anomaly: boolean;
}

/** Options for {@linkcode crossFitRanker}. */
export interface CrossFitOptions {
  /** Number of folds (each trains on the other folds). */
  folds?: number;
  /** Fold and inner split seed. */
  seed?: number;
  /** Share of a fold's training sets used for its validation (early stop, temperature, mix). */
  val?: number;
  /** Ranker options, as for the real ranker. */
  ranker?: TrainRankerOptions;
  /**
   * Refit each fold's chain model on the fold's training and validation sets, as the shipped
   * ranker's is refitted on every logged set (lib/pipeline/train_models.ts): the out-of-fold
   * scores then come from a chain fitted the way the shipped one is, and the temperature fitted
   * on them suits it. `false`: the chain of the fold's training split alone.
   */
  refitChain?: boolean;
  onFold?: (fold: number, folds: number) => void;
}

const defaults = {
  folds: 5,
  seed: 1,
  val: 0.15,
  ranker: {},
  refitChain: true,
  onFold: () => {},
} satisfies Required<CrossFitOptions>;

/** A stable number in [0, 1) from a key and a seed (FNV-1a, then a 32-bit mix). */
function unit(key: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * Score every set out of fold.
 *
 * @param groups All logged sets (train and validation of the real split).
 * @param options Folds, seed, inner validation share, ranker options.
 * @returns One record per set, in input order.
 * @example
 * ```ts
 * declare const train: Parameters<typeof crossFitRanker>[0], val: Parameters<typeof crossFitRanker>[0];
 * const oof = await crossFitRanker([...train, ...val], { folds: 5, seed: 1 });
 * ```
 */
export async function crossFitRanker(
  groups: RankGroup[],
  options: CrossFitOptions = {},
): Promise<OutOfFold[]> {
  const o = { ...defaults, ...options };
  if (o.folds < 2) throw new RangeError(`Cannot cross-fit: folds "${o.folds}" (need 2 or more)`);
  const fold = groups.map((g) => Math.floor(unit(g.id, o.seed ^ 0x2545f491) * o.folds));
  const out = new Array<OutOfFold | undefined>(groups.length);
  for (let k = 0; k < o.folds; k++) {
    o.onFold(k, o.folds);
    const held = groups.flatMap((_, i) => (fold[i] === k ? [i] : []));
    const rest = groups.filter((_, i) => fold[i] !== k);
    if (held.length === 0 || rest.length === 0) continue;
    const val = rest.filter((g) => unit(g.id, o.seed + 7919 * (k + 1)) < o.val);
    const train = rest.filter((g) => unit(g.id, o.seed + 7919 * (k + 1)) >= o.val);
    if (train.length === 0) continue;
    const trained = await trainRanker(train, val, { ...o.ranker, seed: o.seed });
    const model = o.refitChain ? refitRankerChain(trained, rest) : trained;
    const ranker = rankerFrom(model);
    const chain = model.meta.chain;
    const mlpOnly = chain
      ? rankerFrom({
        ...model,
        meta: { ...model.meta, chain: { ...chain, mix: { mlp: 1, chain: 0 } } },
      })
      : ranker;
    for (const i of held) {
      const g = groups[i]!;
      const r = ranker.rank(g.members);
      const mlp = chain ? mlpOnly.rank(g.members).scores : r.scores;
      const logProbs = chain ? chainLogProbabilities(chain, g.members, model.meta.layout) : null;
      out[i] = {
        id: g.id,
        project: g.project,
        chosen: g.chosen,
        scores: r.scores,
        temperature: model.meta.temperature,
        suspicion: r.suspicion ?? 0,
        mlp,
        chain: logProbs,
        anomaly: isAnomaly(g),
      };
    }
  }
  return out.filter((x): x is OutOfFold => x !== undefined);
}
