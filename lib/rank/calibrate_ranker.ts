/**
 * Calibrate a trained ranker on out-of-fold scores: a temperature
 * correction (with a prior, so a perfect set of scores cannot drive it to 0)
 * and the auto-approve band.
 *
 * @module
 */
import { fitTemperature, softmax } from "./calibration.ts";
import { type AutoApprove, fitAutoApprove, type FitAutoApproveOptions } from "./auto_approve.ts";
import type { OutOfFold } from "./cross_fit.ts";
import type { RankerCalibration } from "./train_ranker.ts";

/** Options for {@linkcode calibrateFromOutOfFold}. */
export interface CalibrateOptions {
  /** Prior standard deviation of log(correction) around 1. */
  priorSd?: number;
  /**
   * Groups whose chain suspicion is above this are calibrated apart from the others (the
   * band's suspicion cut); null: one correction for all.
   */
  suspicionCut?: number | null;
  /** Fewest sets on each side of the cut for two corrections (else one). */
  minPartSets?: number;
  /** Prior standard deviation of log(part correction / pooled correction). */
  partPriorSd?: number;
  /** Folds the scores came from (recorded). */
  folds?: number;
  band?: FitAutoApproveOptions;
}

const defaults = {
  priorSd: 0.5,
  suspicionCut: 0.1,
  minPartSets: 50,
  partPriorSd: 0.5,
  folds: 5,
  band: {},
} satisfies Required<CalibrateOptions>;

/** What {@linkcode calibrateFromOutOfFold} returns. */
export interface CalibrationResult {
  /** Temperature of every group, or of the clean ones when `suspicious` is set. */
  temperature: number;
  /** The suspected groups' own temperature and the cut (null: one temperature for all). */
  suspicious: { cut: number; temperature: number } | null;
  autoApprove: AutoApprove;
  calibration: RankerCalibration;
}

function argmax(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

/** Count-weighted |accuracy − confidence| over ten equal-width bins. */
function binnedEce(conf: number[], ok: boolean[]): number {
  const n = conf.length;
  if (n === 0) return 0;
  let e = 0;
  for (let b = 0; b < 10; b++) {
    const idx = conf.flatMap((
      c,
      i,
    ) => ((c > b / 10 || (b === 0 && c >= 0)) && c <= (b + 1) / 10 ? [i] : []));
    if (!idx.length) continue;
    const c = idx.reduce((s, i) => s + conf[i]!, 0) / idx.length;
    const a = idx.filter((i) => ok[i]).length / idx.length;
    e += (idx.length / n) * Math.abs(a - c);
  }
  return e;
}

/**
 * Temperature and band from out-of-fold scores. Each fold's scores are first
 * divided by that fold ranker's own validation temperature (the procedure
 * the real ranker went through); one correction factor is then fitted on
 * all of them and multiplies the real ranker's validation temperature.
 *
 * @param validationTemperature The real ranker's validation-fitted temperature.
 * @param oof Out-of-fold scores over every logged set.
 * @param options Prior, band options.
 * @returns The temperature to use, the band and the figures behind both.
 * @example
 * ```ts
 * import { crossFitRanker } from "./cross_fit.ts";
 * declare const model: { meta: { temperature: number } }, sets: Parameters<typeof crossFitRanker>[0];
 * const cal = calibrateFromOutOfFold(model.meta.temperature, await crossFitRanker(sets));
 * ```
 */
export function calibrateFromOutOfFold(
  validationTemperature: number,
  oof: OutOfFold[],
  options: CalibrateOptions = {},
): CalibrationResult {
  const o = { ...defaults, ...options };
  const scaled = oof.map((r) => ({
    scores: r.scores.map((s) => s / r.temperature),
    chosen: r.chosen,
  }));
  const correction = fitTemperature(scaled, { priorSd: o.priorSd });
  // A clean group and one whose chain model suspects a step are different problems: the first is
  // usually more certain than one temperature says, the second less. Each part gets its own
  // correction, shrunk toward the pooled one (a prior on their ratio), when both parts are large.
  const cut = o.suspicionCut;
  const isSuspect = (r: OutOfFold) => cut !== null && r.suspicion > cut;
  const nSuspect = oof.filter(isSuspect).length;
  const apart = cut !== null && nSuspect >= o.minPartSets && oof.length - nSuspect >= o.minPartSets;
  const partCorrection = (suspect: boolean) =>
    correction * fitTemperature(
      scaled.filter((_, i) => isSuspect(oof[i]!) === suspect)
        .map((g) => ({ scores: g.scores.map((s) => s / correction), chosen: g.chosen })),
      { priorSd: o.partPriorSd },
    );
  const clean = apart ? partCorrection(false) : correction;
  const suspect = apart ? partCorrection(true) : correction;
  const conf: number[] = [], ok: boolean[] = [], pooledConf: number[] = [];
  const sets = oof.map((r, i) => {
    const p = softmax(scaled[i]!.scores, isSuspect(r) ? suspect : clean);
    const pick = argmax(r.scores);
    conf.push(p[pick]!);
    pooledConf.push(softmax(scaled[i]!.scores, correction)[pick]!);
    ok.push(pick === r.chosen);
    return {
      project: r.project,
      confidence: p[pick]!,
      correct: pick === r.chosen,
      suspicion: r.suspicion,
    };
  });
  return {
    temperature: validationTemperature * clean,
    suspicious: apart ? { cut: cut!, temperature: validationTemperature * suspect } : null,
    autoApprove: fitAutoApprove(sets, o.band),
    calibration: {
      method: "cross-fit",
      folds: o.folds,
      sets: oof.length,
      validation_temperature: validationTemperature,
      correction,
      prior_sd: o.priorSd,
      oof_acc: ok.length ? ok.filter(Boolean).length / ok.length : 0,
      oof_ece: binnedEce(conf, ok),
      ...(apart
        ? {
          by_suspicion: {
            cut: cut!,
            clean: { sets: oof.length - nSuspect, correction: clean },
            suspicious: { sets: nSuspect, correction: suspect },
            oof_ece_pooled: binnedEce(pooledConf, ok),
          },
        }
        : {}),
    },
  };
}
