/**
 * The auto-approve band: which picks may skip review. Chosen on out-of-fold
 * scores over every logged set, on a lower confidence bound of precision
 * (Clopper-Pearson), never from fewer than a stated number of sets; a
 * project with little evidence gets a stricter band; a group whose chain
 * model sees any broken step is kept out whatever its confidence.
 *
 * @module
 */
import { clopperPearsonLower } from "./binomial.ts";

/** One scored set as the band sees it. */
export interface BandSet {
  project: string;
  /** Calibrated probability of the pick. */
  confidence: number;
  correct: boolean;
  /** Highest P(step broken) the chain model gives any step of the group (0 without one). */
  suspicion: number;
}

/** The fitted band, saved in the ranker's metadata. */
export interface AutoApprove {
  /** Pooled threshold (null: no band at all). */
  threshold: number | null;
  /** Per project (a project absent here never auto-approves). */
  by_project: Record<string, number | null>;
  /** Suspicion above which a group stays out of the band. */
  max_suspicion: number;
  /** Target precision and the one-sided error level of its bound. */
  precision: number;
  alpha: number;
  /** Fewest sets a band is ever chosen from. */
  min_sets: number;
  /** Sets of its own a project needs for the pooled band (fewer: stricter). */
  full_evidence_sets: number;
  /** What the band covered on the sets it was chosen from. */
  fit: { sets: number; covered: number; right: number; lower_bound: number | null };
}

/** Options for {@linkcode fitAutoApprove}. */
export interface FitAutoApproveOptions {
  precision?: number;
  alpha?: number;
  minSets?: number;
  fullEvidenceSets?: number;
  maxSuspicion?: number;
}

const defaults = {
  precision: 0.97,
  alpha: 0.05,
  minSets: 100,
  fullEvidenceSets: 200,
  maxSuspicion: 0.1,
} satisfies Required<FitAutoApproveOptions>;

/**
 * The lowest confidence cut whose covered sets keep `ok(right, n)` true, cutting
 * only between distinct confidences; null when none does.
 */
function lowestCut(sets: BandSet[], ok: (right: number, n: number) => boolean): number | null {
  const order = [...sets].sort((a, b) => b.confidence - a.confidence);
  let right = 0, best: number | null = null;
  order.forEach((s, k) => {
    if (s.correct) right++;
    const next = order[k + 1];
    if (next !== undefined && next.confidence === s.confidence) return;
    if (ok(right, k + 1)) best = s.confidence;
  });
  return best;
}

/**
 * Fit the band on scored sets (out-of-fold: no set scored by a model that saw it).
 *
 * The pooled threshold is the lowest confidence at which the 1 − alpha
 * Clopper-Pearson lower bound of the covered sets' precision reaches the
 * target (so at least ~100 covered sets for 0.97 at 95 %). A project with n
 * sets of its own gets `1 − (1 − t)·min(1, n / fullEvidenceSets)` or higher,
 * and higher still where its own sets in the band fall below the target.
 *
 * @param sets Scored sets.
 * @param options Target, level, minimum sets, evidence, suspicion cut.
 * @returns The band.
 * @example
 * ```ts
 * declare const outOfFold: Parameters<typeof fitAutoApprove>[0];
 * const band = fitAutoApprove(outOfFold);
 * isApprovable(band, "mojo1", 0.99, 0.01);
 * ```
 */
export function fitAutoApprove(
  sets: BandSet[],
  options: FitAutoApproveOptions = {},
): AutoApprove {
  const o = { ...defaults, ...options };
  const eligible = sets.filter((s) => s.suspicion <= o.maxSuspicion);
  const threshold = sets.length < o.minSets ? null : lowestCut(
    eligible,
    (right, n) => clopperPearsonLower(right, n, o.alpha) >= o.precision,
  );
  const covered = threshold === null ? [] : eligible.filter((s) => s.confidence >= threshold);
  const right = covered.filter((s) => s.correct).length;
  const byProject: Record<string, number | null> = {};
  for (const p of [...new Set(sets.map((s) => s.project))].sort()) {
    const own = sets.filter((s) => s.project === p);
    if (threshold === null) {
      byProject[p] = null;
      continue;
    }
    const share = Math.min(1, own.length / o.fullEvidenceSets);
    let t = Math.max(threshold, 1 - (1 - threshold) * share);
    const ownEligible = own.filter((s) => s.suspicion <= o.maxSuspicion);
    const inBand = ownEligible.filter((s) => s.confidence >= t);
    const ownRight = inBand.filter((s) => s.correct).length;
    if (inBand.length > 0 && ownRight / inBand.length < o.precision) {
      // The project's own sets disagree with the pool: its own cut (point precision), if any.
      const cut = lowestCut(
        ownEligible.filter((s) => s.confidence >= t),
        (r, n) => r / n >= o.precision,
      );
      t = cut === null ? Infinity : Math.max(t, cut);
    }
    byProject[p] = Number.isFinite(t) ? t : null;
  }
  return {
    threshold,
    by_project: byProject,
    max_suspicion: o.maxSuspicion,
    precision: o.precision,
    alpha: o.alpha,
    min_sets: o.minSets,
    full_evidence_sets: o.fullEvidenceSets,
    fit: {
      sets: sets.length,
      covered: covered.length,
      right,
      lower_bound: covered.length ? clopperPearsonLower(right, covered.length, o.alpha) : null,
    },
  };
}

/**
 * Whether a pick is inside the band: its project has a threshold, the
 * confidence reaches it, and no step of the group looks broken.
 *
 * @param band The fitted band.
 * @param project The group's project.
 * @param confidence Calibrated probability of the pick.
 * @param suspicion Highest P(step broken) in the group.
 * @returns True when the pick may be auto-approved.
 * @example
 * ```ts
 * declare const band: Parameters<typeof isApprovable>[0];
 * isApprovable(band, "mojo1", 0.995, 0.02);
 * ```
 */
export function isApprovable(
  band: AutoApprove,
  project: string,
  confidence: number,
  suspicion: number,
): boolean {
  const t = band.by_project[project] ?? null;
  return t !== null && confidence >= t && suspicion <= band.max_suspicion;
}
