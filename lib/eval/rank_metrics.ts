/**
 * Set-level ranking metrics: accuracy on normal and anomaly sets, by
 * project and group size, calibration, and the baselines' accuracies.
 *
 * @module
 */
import type { GroupMemberInput, RankResult } from "../types.ts";
import { highestStageScores, isAnomaly, type RankGroup, softmax } from "../rank/mod.ts";
import { ece, type EceFloor, eceFloor, reliability, type ReliabilityBin } from "./calibration.ts";

/** One scored set. */
export interface ScoredGroup {
  group: RankGroup;
  pick: number;
  confidence: number;
  correct: boolean;
  anomaly: boolean;
}

/** Accuracy split by set kind. */
export interface AccuracyTriple {
  normal_acc: number;
  anomaly_acc: number;
  overall_acc: number;
  n_normal: number;
  n_anomaly: number;
}

/** Accuracy of one slice with the highest-stage rule beside it. */
export interface SliceAccuracy {
  n: number;
  acc: number;
  highest_stage: number;
}

function argmax(v: readonly number[]): number {
  let b = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[b]!) b = i;
  return b;
}

/**
 * Score sets with a scorer and a temperature.
 *
 * @param groups Labelled sets.
 * @param scorer Raw scores for a set's members, or a ranker's whole answer: then its own
 *   calibrated `probabilities` give the confidence (a ranker may use one temperature per kind of
 *   group) and `temperature` is not used.
 * @param temperature Softmax temperature for raw scores.
 * @returns Pick, confidence, correctness per set.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * import type { RankGroup } from "../rank/mod.ts";
 * declare const test: RankGroup[];
 * declare const ranker: { rank(m: GroupMemberInput[]): { scores: number[] } };
 * scoreGroups(test, (m) => ranker.rank(m).scores, 1);
 * ```
 */
export function scoreGroups(
  groups: RankGroup[],
  scorer: (members: GroupMemberInput[]) => number[] | Pick<RankResult, "scores" | "probabilities">,
  temperature = 1,
): ScoredGroup[] {
  return groups.map((group) => {
    const r = scorer(group.members);
    const s = Array.isArray(r) ? r : r.scores;
    const p = Array.isArray(r) ? softmax(s, temperature) : r.probabilities;
    const pick = argmax(s);
    return {
      group,
      pick,
      confidence: p[pick]!,
      correct: pick === group.chosen,
      anomaly: isAnomaly(group),
    };
  });
}

/** Normal / anomaly / overall accuracy of scored sets. */
export function accuracy(scored: ScoredGroup[]): AccuracyTriple {
  const normal = scored.filter((s) => !s.anomaly), anomaly = scored.filter((s) => s.anomaly);
  const acc = (
    xs: ScoredGroup[],
  ) => (xs.length ? xs.filter((s) => s.correct).length / xs.length : 0);
  return {
    normal_acc: acc(normal),
    anomaly_acc: acc(anomaly),
    overall_acc: acc(scored),
    n_normal: normal.length,
    n_anomaly: anomaly.length,
  };
}

/** Expected accuracy of a uniformly random pick (mean 1/n), by set kind. */
export function randomAccuracy(groups: RankGroup[]): AccuracyTriple {
  const mean = (xs: RankGroup[]) =>
    xs.length ? xs.reduce((s, g) => s + 1 / g.members.length, 0) / xs.length : 0;
  const normal = groups.filter((g) => !isAnomaly(g)), anomaly = groups.filter(isAnomaly);
  return {
    normal_acc: mean(normal),
    anomaly_acc: mean(anomaly),
    overall_acc: mean(groups),
    n_normal: normal.length,
    n_anomaly: anomaly.length,
  };
}

/** Accuracy per slice key, with the highest-stage rule on the same slice. */
export function sliceAccuracy(
  scored: ScoredGroup[],
  key: (g: RankGroup) => string,
): Record<string, SliceAccuracy> {
  const out: Record<string, SliceAccuracy> = {};
  const base = new Map(
    scoreGroups(scored.map((s) => s.group), highestStageScores).map((s) => [
      s.group,
      s.correct,
    ]),
  );
  const keys = [...new Set(scored.map((s) => key(s.group)))].sort();
  for (const k of keys) {
    const xs = scored.filter((s) => key(s.group) === k);
    out[k] = {
      n: xs.length,
      acc: xs.filter((s) => s.correct).length / xs.length,
      highest_stage: xs.filter((s) => base.get(s.group)).length / xs.length,
    };
  }
  return out;
}

/**
 * Calibration of scored sets: ECE, reliability curve and the ECE a perfectly calibrated ranker
 * would show on as many sets at the same confidences (its floor).
 */
export function calibrationOf(
  scored: ScoredGroup[],
): { ece: number; reliability: ReliabilityBin[]; floor: EceFloor } {
  const conf = scored.map((s) => s.confidence), ok = scored.map((s) => s.correct);
  return { ece: ece(conf, ok), reliability: reliability(conf, ok), floor: eceFloor(conf) };
}
