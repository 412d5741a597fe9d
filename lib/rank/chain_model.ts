/**
 * The chain model: each stage is made from the one below it, and a defect
 * carries into every later stage, so the creator keeps the stage *below the
 * first broken step*. One small logistic model scores every step up
 * ("is this step broken?") from its transition features (lib/signature,
 * robust z against the training set's normal steps of that kind), and a
 * group's members get
 *
 *   P(keep k) = Π_{steps j ≤ k} (1 − b_j) · b_{k+1}   (b_{top+1} = 1),
 *
 * the probability that the first broken step is the one right above k. The
 * model is shared by all steps and kinds, so ~130 broken steps in a creator's
 * history train ~60 weights instead of an MLP's thousands; the ranker adds its
 * log-probability to the MLP score with a weight chosen on validation.
 *
 * @module
 */
import type { GroupMemberInput } from "../types.ts";
import { TRANSITION_FEATURES, TRANSITION_SIZE } from "../signature/mod.ts";
import {
  memberSteps,
  type RankFeatureLayout,
  TASTE_FEATURES,
  transitionKind,
} from "./rank_features.ts";

export { TASTE_FEATURES };

/** Where a model's features go: shared columns, and the per-project taste columns. */
interface StepLayout {
  kinds: readonly string[];
  projects: readonly string[];
  /** Indices (into the transition values) of the taste features; empty: none. */
  taste: readonly number[];
  /** Per transition index: true when it is a taste feature (kept out of the shared terms). */
  isTaste: readonly boolean[];
  /** What each project's usual processing looks like (see {@linkcode TasteReference}). */
  ref: TasteReference;
  /** Usual steps' spread of the shared features (absent: no novelty column). */
  novelty?: NoveltyReference;
  /** Indices of the shared (not taste) transition features, in order. */
  shared: readonly number[];
}

/**
 * Per step kind (or `"any"`): mean and precision (inverse of the covariance, shrunk toward its
 * diagonal) of the shared transition features over the training steps that were not broken.
 * A step's novelty is its squared Mahalanobis distance from them per feature: how unlike the
 * usual steps of its kind it is, all features and their correlations at once — a defect of a
 * kind never seen in training still reads as unusual (issue #18, held-out defect kinds).
 */
export type NoveltyReference = Record<string, { mean: number[]; precision: number[] }>;

/** Not-broken steps of one kind needed for its own novelty reference (else "any"). */
const MIN_NOVELTY_REFERENCE = 50;
/** Share of the covariance replaced by its diagonal (a few hundred steps, 20 features). */
const NOVELTY_SHRINK = 0.1;

/**
 * Per project and step kind (or `"any"` for the project's steps of every kind): median, robust
 * scale and 90th percentile of each taste feature over the project's training steps (labels
 * unused, like the pooled reference). A project's taste columns read "how much more processing
 * than this project usually gets": a creator's limit is relative to their own habit.
 */
export type TasteReference = Record<
  string,
  Record<string, { median: number[]; scale: number[]; q90: number[] }>
>;

/** Steps of one kind in one project needed for its own taste reference (else "any", else none). */
const MIN_TASTE_REFERENCE = 20;

function stepLayout(
  kinds: readonly string[],
  projects: readonly string[],
  taste: readonly string[] | undefined,
  ref: TasteReference | undefined,
  novelty?: NoveltyReference,
): StepLayout {
  const idx = (taste ?? []).map((n) => TRANSITION_FEATURES.indexOf(n)).filter((j) => j >= 0);
  const isTaste = new Array<boolean>(TRANSITION_SIZE).fill(false);
  for (const j of idx) isTaste[j] = true;
  const shared = isTaste.flatMap((t, j) => (t ? [] : [j]));
  return {
    kinds,
    projects,
    taste: idx,
    isTaste,
    ref: ref ?? {},
    shared,
    ...(novelty ? { novelty } : {}),
  };
}

/** The novelty reference of training steps (see {@linkcode NoveltyReference}). */
function noveltyReference(
  steps: { kind: string; values: Float32Array }[],
  shared: readonly number[],
): NoveltyReference {
  const byKind = new Map<string, Float32Array[]>();
  for (const s of steps) {
    for (const k of [s.kind, "any"]) {
      if (!byKind.has(k)) byKind.set(k, []);
      byKind.get(k)!.push(s.values);
    }
  }
  const out: NoveltyReference = {};
  const d = shared.length;
  for (const [kind, vs] of byKind) {
    if (vs.length < MIN_NOVELTY_REFERENCE) continue;
    const mean = shared.map((j) => vs.reduce((a, v) => a + v[j]!, 0) / vs.length);
    const cov = new Float64Array(d * d);
    for (const v of vs) {
      for (let a = 0; a < d; a++) {
        const da = v[shared[a]!]! - mean[a]!;
        for (let b = 0; b <= a; b++) {
          cov[a * d + b]! += (da * (v[shared[b]!]! - mean[b]!)) / vs.length;
        }
      }
    }
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < a; b++) {
        cov[a * d + b]! *= 1 - NOVELTY_SHRINK;
        cov[b * d + a] = cov[a * d + b]!;
      }
      cov[a * d + a] = Math.max(cov[a * d + a]!, 1e-4);
    }
    const precision: number[] = [];
    for (let a = 0; a < d; a++) {
      const e = new Float64Array(d);
      e[a] = 1;
      precision.push(...solveSpd(cov, e, d));
    }
    out[kind] = { mean, precision };
  }
  return out;
}

/** log(1 + squared Mahalanobis distance per feature) of a step from its kind's usual steps. */
function noveltyOf(values: Float32Array, kind: string, l: StepLayout): number {
  const r = l.novelty?.[kind] ?? l.novelty?.["any"];
  if (!r) return 0;
  const d = l.shared.length;
  const x = l.shared.map((j, a) => values[j]! - r.mean[a]!);
  let m = 0;
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let b = 0; b < d; b++) s += r.precision[a * d + b]! * x[b]!;
    m += x[a]! * s;
  }
  return Math.log1p(Math.max(0, m) / d);
}

/** The taste reference of training chains (see {@linkcode TasteReference}). */
function tasteReference(
  steps: { project: string; kind: string; values: Float32Array }[],
  taste: readonly number[],
): TasteReference {
  const out: TasteReference = {};
  const byKey = new Map<string, Float32Array[]>();
  for (const s of steps) {
    for (const k of [s.kind, "any"]) {
      const key = `${s.project}\u0000${k}`;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key)!.push(s.values);
    }
  }
  const q = (v: number[], p: number) => v[Math.floor(p * (v.length - 1))]!;
  for (const [key, vs] of byKey) {
    if (vs.length < MIN_TASTE_REFERENCE) continue;
    const [project, kind] = key.split("\u0000") as [string, string];
    const r = { median: [] as number[], scale: [] as number[], q90: [] as number[] };
    for (const j of taste) {
      const v = vs.map((x) => x[j]!).sort((a, b) => a - b);
      const m = q(v, 0.5);
      const mad = q(v.map((x) => Math.abs(x - m)).sort((a, b) => a - b), 0.5);
      r.median.push(m);
      r.scale.push(Math.max(1.4826 * mad, (q(v, 0.9) - q(v, 0.1)) / 2.56, 0.05));
      r.q90.push(q(v, 0.9));
    }
    (out[project] ??= {})[kind] = r;
  }
  return out;
}

/** A fitted chain model (saved in the ranker's metadata). */
export interface ChainModel {
  /** Transition kinds with their own indicator column (e.g. `"1.5->2"`). */
  kinds: string[];
  /** Projects with their own indicator column. */
  projects: string[];
  /** Each project's usual processing (absent: pooled values in the taste columns). */
  taste_ref?: TasteReference;
  /** L2 penalty the taste terms were fitted with. */
  taste_l2?: number;
  /**
   * Processing-strength features that enter only as per-project terms (the creator's taste in
   * that project, penalised toward no effect) and never as shared ones; absent (older models):
   * every feature shared.
   */
  taste?: string[];
  /** Usual steps' spread of the shared features; absent (older models): no novelty column. */
  novelty?: NoveltyReference;
  /** Standardisation of the step features. */
  mean: number[];
  invStd: number[];
  /** Logistic coefficients (standardised features) and intercept. */
  coef: number[];
  bias: number;
  /** L2 penalty used in fitting. */
  l2: number;
  /** Likelihood weight of the broken steps in fitting (absent: 1). */
  broken_weight?: number;
  /** Steps (broken) the model was fitted on. */
  steps: number;
  broken: number;
}

/** A training group as the chain model sees it. */
export interface ChainGroup {
  members: GroupMemberInput[];
  /** Index of the kept member. */
  chosen: number;
}

/** Options for {@linkcode fitChainModel}. */
export interface FitChainOptions {
  /** L2 penalty on the standardised coefficients. */
  l2?: number;
  /** Newton iterations (stops earlier on convergence). */
  iterations?: number;
  /** Features kept to per-project terms ({@linkcode TASTE_FEATURES}); `[]`: all shared. */
  taste?: readonly string[];
  /** L2 penalty on the per-project taste terms (robust units; shrinks toward no effect). */
  tasteL2?: number;
  /**
   * Add the novelty column: a step's distance from the usual steps of its kind over all shared
   * features at once ({@linkcode NoveltyReference}).
   */
  novelty?: boolean;
  /**
   * Likelihood weight of a broken step (a normal step weighs 1), like the MLP's weight of
   * anomaly sets: broken steps are few and a penalised fit shrinks their probability toward the
   * base rate, so an unusual step alone rarely outweighs keeping the top. The keep
   * probabilities carry the weight; the verdict's per-step P(broken) has its log taken back
   * out of the logit.
   */
  brokenWeight?: number;
}

const defaults = {
  l2: 1,
  iterations: 50,
  taste: TASTE_FEATURES,
  tasteL2: 1,
  novelty: true,
  brokenWeight: 1,
} satisfies Required<FitChainOptions>;

/** Floor of a member's log-probability (keeps scores finite). */
const LOG_FLOOR = -40;

/**
 * The members of a group as a chain: indices ordered by stage, and the step
 * into each member after the first. Null when the group is not a chain
 * (unstaged or repeated stages, a missing signature, or a step not taken from
 * the member right below).
 */
function chainOf(
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): { order: number[]; steps: Float32Array[] } | null {
  if (members.length < 2 || !layout.transitionRef) return null;
  if (members.some((m) => m.stage === null)) return null;
  const order = members.map((_, i) => i).sort((a, b) => members[a]!.stage! - members[b]!.stage!);
  for (let j = 1; j < order.length; j++) {
    if (members[order[j]!]!.stage === members[order[j - 1]!]!.stage) return null;
  }
  const own = memberSteps(members, layout);
  const steps: Float32Array[] = [];
  for (let j = 1; j < order.length; j++) {
    const step = own[order[j]!];
    if (!step || step.from !== order[j - 1]) return null;
    steps.push(step.values);
  }
  return { order, steps };
}

/** Columns per project and taste feature: signed, positive part, beyond the project's usual. */
const TASTE_COLUMNS = 3;

/** Novelty columns (after the most unusual shared feature): 1 with a reference, else 0. */
function noveltyColumns(l: StepLayout): number {
  return l.novelty ? 1 : 0;
}

/** Length of a step's feature vector. */
function featureSize(l: StepLayout): number {
  return 2 * TRANSITION_SIZE + 1 + noveltyColumns(l) + l.kinds.length +
    l.projects.length * (1 + TASTE_COLUMNS * l.taste.length);
}

/**
 * Raw step features: the transition values and their positive parts (taste features left at
 * 0 here), the most unusual shared one, kind, project, then per project its own copy of the
 * taste features against the project's own habit (0 in every other project's columns):
 * the change in the project's robust units, its positive part, and how far it is beyond the
 * project's 90th percentile. A project without a reference of its own reads the pooled values.
 */
function stepFeatures(
  values: Float32Array,
  kind: string,
  project: string,
  l: StepLayout,
): Float64Array {
  const f = new Float64Array(featureSize(l));
  let m = 0;
  for (let j = 0; j < TRANSITION_SIZE; j++) {
    if (l.isTaste[j]) continue;
    const v = values[j]!;
    f[j] = v;
    f[TRANSITION_SIZE + j] = Math.max(0, v);
    m = Math.max(m, Math.abs(v));
  }
  f[2 * TRANSITION_SIZE] = m;
  const nov = noveltyColumns(l);
  if (nov) f[2 * TRANSITION_SIZE + 1] = noveltyOf(values, kind, l);
  const k = l.kinds.indexOf(kind);
  if (k >= 0) f[2 * TRANSITION_SIZE + 1 + nov + k] = 1;
  const p = l.projects.indexOf(project);
  const base = 2 * TRANSITION_SIZE + 1 + nov + l.kinds.length;
  if (p >= 0) {
    f[base + p] = 1;
    const t = base + l.projects.length + p * TASTE_COLUMNS * l.taste.length;
    const r = l.ref[project]?.[kind] ?? l.ref[project]?.["any"];
    l.taste.forEach((j, q) => {
      const v = values[j]!;
      const z = r ? (v - r.median[q]!) / r.scale[q]! : v;
      const beyond = r ? (v - r.q90[q]!) / r.scale[q]! : v - 1;
      // Compressed like the transition z-scores: a project whose steps barely vary gives
      // huge raw ratios, and one without evidence must not extrapolate from them.
      const zc = Math.sign(z) * Math.log1p(Math.abs(z));
      f[t + TASTE_COLUMNS * q] = zc;
      f[t + TASTE_COLUMNS * q + 1] = Math.max(0, zc);
      f[t + TASTE_COLUMNS * q + 2] = Math.log1p(Math.max(0, beyond));
    });
  }
  return f;
}

function kindOf(members: GroupMemberInput[], order: number[], j: number): string {
  return transitionKind(members[order[j - 1]!]!.stage!, members[order[j]!]!.stage!);
}

/** Solve A·x = b for a symmetric positive definite A (Cholesky, in place on a copy). */
function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) l[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * n + j] = s / l[j * n + j]!;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/**
 * Fit the chain model on training groups: every step up to the kept member
 * is "not broken", the step right above it "broken" (when it is not the top),
 * steps further up are left out (they carry the defect along).
 *
 * @param groups Training groups with their kept member.
 * @param layout The ranker layout (transitions with a reference).
 * @param options Penalty and iterations.
 * @returns The model, or null when no group is a chain or no step is broken.
 * @example
 * ```ts
 * declare const train: Parameters<typeof fitChainModel>[0], layout: Parameters<typeof fitChainModel>[1];
 * const chain = fitChainModel(train, layout);
 * ```
 */
export function fitChainModel(
  groups: ChainGroup[],
  layout: RankFeatureLayout,
  options: FitChainOptions = {},
): ChainModel | null {
  const o = { ...defaults, ...options };
  const chains = groups.flatMap((g) => {
    const c = chainOf(g.members, layout);
    return c ? [{ g, c }] : [];
  });
  const kinds = [
    ...new Set(
      chains.flatMap(({ g, c }) => c.steps.map((_, j) => kindOf(g.members, c.order, j + 1))),
    ),
  ].sort();
  const projects = [...new Set(chains.map(({ g }) => g.members[0]!.project))].sort();
  // Which features are taste and which shared (the references below are fitted on them).
  const columns = stepLayout(kinds, projects, o.taste, undefined);
  const tasteIdx = columns.taste;
  const tasteRef = tasteIdx.length
    ? tasteReference(
      chains.flatMap(({ g, c }) =>
        c.steps.map((values, j) => ({
          project: g.members[0]!.project,
          kind: kindOf(g.members, c.order, j + 1),
          values,
        }))
      ),
      tasteIdx,
    )
    : undefined;
  const novelty = o.novelty
    ? noveltyReference(
      chains.flatMap(({ g, c }) => {
        const pos = c.order.indexOf(g.chosen);
        return c.steps.slice(0, pos).map((values, j) => ({
          kind: kindOf(g.members, c.order, j + 1),
          values,
        }));
      }),
      columns.shared,
    )
    : undefined;
  const sl = stepLayout(kinds, projects, o.taste, tasteRef, novelty);
  const rows: Float64Array[] = [], ys: number[] = [];
  for (const { g, c } of chains) {
    const pos = c.order.indexOf(g.chosen);
    for (let j = 1; j < c.order.length; j++) {
      if (j > pos + 1) break;
      rows.push(
        stepFeatures(
          c.steps[j - 1]!,
          kindOf(g.members, c.order, j),
          g.members[0]!.project,
          sl,
        ),
      );
      ys.push(j === pos + 1 ? 1 : 0);
    }
  }
  const broken = ys.reduce((a, b) => a + b, 0);
  if (broken === 0 || broken === ys.length) return null;
  if (!(o.brokenWeight > 0)) {
    throw new RangeError(`Cannot fit chain model: brokenWeight is ${o.brokenWeight}, need > 0`);
  }
  const ws = ys.map((y) => (y === 1 ? o.brokenWeight : 1));
  const d = featureSize(sl), n = rows.length;
  const mean = new Array<number>(d).fill(0), invStd = new Array<number>(d).fill(1);
  for (let j = 0; j < d; j++) {
    let s = 0, q = 0;
    for (const r of rows) s += r[j]!;
    const m = s / n;
    for (const r of rows) q += (r[j]! - m) ** 2;
    const sd = Math.sqrt(q / n);
    mean[j] = m;
    invStd[j] = sd > 1e-9 ? 1 / sd : 0;
  }
  // Taste columns are already in each project's robust units: left as they are, so a project
  // whose steps never varied does not get a huge scale (and the penalty means the same
  // everywhere: shrink toward no effect).
  const tasteStart = 2 * TRANSITION_SIZE + 1 + noveltyColumns(sl) + kinds.length +
    projects.length;
  for (let j = tasteStart; j < d; j++) (mean[j] = 0), (invStd[j] = 1);
  const x = rows.map((r) => Float64Array.from(r, (v, j) => (v - mean[j]!) * invStd[j]!));
  // Newton's method on the penalised log-likelihood (step halved until the objective drops);
  // the intercept is the last coordinate.
  const dd = d + 1;
  // Taste terms have their own, fixed penalty: in robust units of the project's own habit a
  // coefficient of ~1 is a plausible taste, and the shared terms' penalty (chosen on
  // validation for the defects) must not silence a taste shown in a few dozen groups.
  const pen = (j: number): number => (j === d ? 1e-3 : j >= tasteStart ? o.tasteL2 : o.l2);
  const objective = (b: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const u = logit(b, x[i]!, d);
      // log(1 + e^u) − y·u, stable.
      f += ws[i]! *
        ((u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u))) - ys[i]! * u);
    }
    for (let j = 0; j < dd; j++) f += 0.5 * pen(j) * b[j]! ** 2;
    return f;
  };
  let beta = new Float64Array(dd);
  const rate = (broken * o.brokenWeight) / (broken * o.brokenWeight + n - broken);
  beta[d] = Math.log(rate / (1 - rate));
  let current = objective(beta);
  for (let it = 0; it < o.iterations; it++) {
    const grad = new Float64Array(dd), hess = new Float64Array(dd * dd);
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const p = 1 / (1 + Math.exp(-logit(beta, xi, d)));
      const r = ws[i]! * (p - ys[i]!), w = ws[i]! * Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        grad[j]! += r * xi[j]!;
        const wj = w * xi[j]!;
        for (let k = 0; k <= j; k++) hess[j * dd + k]! += wj * xi[k]!;
        hess[d * dd + j]! += wj;
      }
      grad[d]! += r;
      hess[d * dd + d]! += w;
    }
    for (let j = 0; j < dd; j++) {
      grad[j]! += pen(j) * beta[j]!;
      hess[j * dd + j]! += pen(j);
      for (let k = 0; k < j; k++) hess[k * dd + j] = hess[j * dd + k]!;
    }
    const step = solveSpd(hess, grad, dd);
    let t = 1, next = beta, value = Infinity;
    for (let h = 0; h < 30; h++, t /= 2) {
      next = beta.map((b, j) => b - t * step[j]!);
      value = objective(next);
      if (value <= current) break;
    }
    if (!(value <= current)) break;
    const drop = current - value;
    beta = next;
    current = value;
    if (drop < 1e-10 * Math.max(1, Math.abs(current))) break;
  }
  return {
    kinds,
    projects,
    ...(o.taste.length
      ? { taste: [...o.taste], taste_ref: tasteRef ?? {}, taste_l2: o.tasteL2 }
      : {}),
    ...(novelty ? { novelty } : {}),
    mean,
    invStd,
    coef: Array.from(beta.subarray(0, d)),
    bias: beta[d]!,
    l2: o.l2,
    ...(o.brokenWeight !== 1 ? { broken_weight: o.brokenWeight } : {}),
    steps: n,
    broken,
  };
}

/** Intercept (last coordinate) + coefficients · standardised features. */
function logit(beta: Float64Array, xi: Float64Array, d: number): number {
  let u = beta[d]!;
  for (let j = 0; j < d; j++) u += beta[j]! * xi[j]!;
  return u;
}

/** −log(1 + e^(−u)) = log σ(u), stable. */
function logSigmoid(u: number): number {
  return u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u));
}

/** The chain model's verdict on one group. */
export interface ChainVerdict {
  /** Per member (input order): log-probability that it is the one kept. */
  logProbs: number[];
  /**
   * Each step up: the member it made (`to`), the member it started from, P(broken) (without
   * the fit's broken-step weight, see {@linkcode FitChainOptions.brokenWeight}).
   */
  steps: { to: number; from: number; broken: number }[];
}

/**
 * The chain model on one group: which member is kept and which steps look
 * broken, or null when the group is not a chain (unstaged or repeated
 * stages, a missing signature).
 *
 * @param model The chain model.
 * @param members The group.
 * @param layout The ranker layout the model was fitted with.
 * @returns The verdict, or null.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const meta: { chain: Parameters<typeof evaluateChain>[0]; layout: Parameters<typeof evaluateChain>[2] };
 * evaluateChain(meta.chain, members, meta.layout)?.steps; // [{ to: 1, from: 0, broken: 0.02 }, …]
 * ```
 */
export function evaluateChain(
  model: ChainModel,
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): ChainVerdict | null {
  const c = chainLogits(model, members, layout);
  if (!c) return null;
  const logProbs = new Array<number>(members.length).fill(LOG_FLOOR);
  let clean = 0; // log Π (1 − b_j) so far
  c.order.forEach((member, k) => {
    const above = k < c.logits.length ? logSigmoid(c.logits[k]!) : 0;
    logProbs[member] = Math.max(LOG_FLOOR, clean + above);
    if (k < c.logits.length) clean += logSigmoid(-c.logits[k]!);
  });
  // Broken steps counted w× in the fit raise every logit by about log w: the keep
  // probabilities use that (a missed defect costs more than a wrongly doubted top), the
  // reported P(broken) takes it back out so it stays a probability (suspicion cut, notes).
  const prior = Math.log(model.broken_weight ?? 1);
  const steps = c.logits.map((u, j) => ({
    to: c.order[j + 1]!,
    from: c.order[j]!,
    broken: 1 / (1 + Math.exp(-(u - prior))),
  }));
  return { logProbs, steps };
}

/**
 * How unlike the usual steps of its kind each step of a group is: the novelty column's value
 * (log(1 + squared Mahalanobis distance per shared feature); 0 where the model has no
 * reference), in chain order (step j enters the member of stage rank j + 1), or null when the
 * group is not a chain.
 *
 * @param model The chain model.
 * @param members The group.
 * @param layout The ranker layout the model was fitted with.
 * @returns One value per step, or null.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const meta: { chain: Parameters<typeof chainNovelty>[0]; layout: Parameters<typeof chainNovelty>[2] };
 * chainNovelty(meta.chain, members, meta.layout); // e.g. [0.7, 4.2]: the second step is unusual
 * ```
 */
export function chainNovelty(
  model: ChainModel,
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): number[] | null {
  const c = chainOf(members, layout);
  if (!c) return null;
  const sl = stepLayout(model.kinds, model.projects, model.taste, model.taste_ref, model.novelty);
  return c.steps.map((values, j) => noveltyOf(values, kindOf(members, c.order, j + 1), sl));
}

/**
 * Per member: the log-probability that it is the one kept (the first broken
 * step is right above it), or null when the group is not a chain.
 *
 * @param model The chain model.
 * @param members The group.
 * @param layout The ranker layout the model was fitted with.
 * @returns Log-probabilities in member order, or null.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const meta: { chain: Parameters<typeof chainLogProbabilities>[0]; layout: Parameters<typeof chainLogProbabilities>[2] };
 * chainLogProbabilities(meta.chain, members, meta.layout);
 * ```
 */
export function chainLogProbabilities(
  model: ChainModel,
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): number[] | null {
  return evaluateChain(model, members, layout)?.logProbs ?? null;
}

/**
 * What is wrong with a chain model read from disk (a saved ranker's `chain`), or null when its
 * coefficients fit its own layout (transition features, kinds, projects, taste features).
 *
 * @param model The chain model as read.
 * @returns The field and the problem, or null.
 * @example
 * ```ts
 * declare const meta: { chain: ChainModel };
 * const problem = checkChainModel(meta.chain); // null, or e.g. "coef has 98 values, the layout needs 103"
 * ```
 */
export function checkChainModel(model: ChainModel): string | null {
  if (!Array.isArray(model.kinds) || !Array.isArray(model.projects)) {
    return "kinds and projects must be lists";
  }
  const layout = stepLayout(
    model.kinds,
    model.projects,
    model.taste,
    model.taste_ref,
    model.novelty,
  );
  const d = featureSize(layout);
  for (const key of ["coef", "mean", "invStd"] as const) {
    const v = model[key];
    if (!Array.isArray(v) || v.length !== d) {
      return `${key} has ${Array.isArray(v) ? v.length : "no"} values, the layout needs ${d}`;
    }
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) return `${key}[${bad}] is ${JSON.stringify(v[bad])}, need a number`;
  }
  if (!Number.isFinite(model.bias)) return "bias must be a number";
  // Each kind's novelty reference: a mean per shared feature and their d × d precision.
  const d2 = layout.shared.length;
  const nov = model.novelty as unknown;
  if (nov !== undefined && (typeof nov !== "object" || nov === null || Array.isArray(nov))) {
    return "novelty must be an object of step kinds";
  }
  for (const [kind, r] of Object.entries(model.novelty ?? {})) {
    for (const [key, n] of [["mean", d2], ["precision", d2 * d2]] as const) {
      const v = r?.[key];
      if (!Array.isArray(v) || v.length !== n || !v.every(Number.isFinite)) {
        return `novelty.${kind}.${key} needs ${n} numbers`;
      }
    }
  }
  // Each project's taste reference: one median, scale (> 0) and 90th percentile per taste feature.
  for (const [project, kinds] of Object.entries(model.taste_ref ?? {})) {
    for (const [kind, r] of Object.entries(kinds ?? {})) {
      for (const key of ["median", "scale", "q90"] as const) {
        const v = r?.[key];
        const ok = Array.isArray(v) && v.length === layout.taste.length &&
          v.every((x) => Number.isFinite(x) && (key !== "scale" || x > 0));
        if (!ok) {
          return `taste_ref.${project}.${kind}.${key} needs ${layout.taste.length} numbers${
            key === "scale" ? " above 0" : ""
          }`;
        }
      }
    }
  }
  return null;
}

/** The chain's member order and the logit of each step (step j enters `order[j + 1]`). */
function chainLogits(
  model: ChainModel,
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): { order: number[]; logits: number[] } | null {
  const project = members[0]?.project ?? "";
  const c = chainOf(members, layout);
  if (!c) return null;
  const sl = stepLayout(
    model.kinds,
    model.projects,
    model.taste,
    model.taste_ref,
    model.novelty,
  );
  const logits = c.steps.map((values, j) => {
    const f = stepFeatures(values, kindOf(members, c.order, j + 1), project, sl);
    let u = model.bias;
    for (let k = 0; k < f.length; k++) {
      u += model.coef[k]! * (f[k]! - model.mean[k]!) * model.invStd[k]!;
    }
    return u;
  });
  return { order: c.order, logits };
}

/** How the ranker combines its MLP score with the chain model's log-probability. */
export interface ChainMix {
  /** Weight of the MLP score. */
  mlp: number;
  /** Weight of the chain log-probability. */
  chain: number;
}

/** The combinations tried on validation, MLP alone first (it wins ties). */
export const CHAIN_MIXES: readonly ChainMix[] = Object.freeze([
  { mlp: 1, chain: 0 },
  { mlp: 1, chain: 0.25 },
  { mlp: 1, chain: 0.5 },
  { mlp: 1, chain: 1 },
  { mlp: 1, chain: 2 },
  { mlp: 1, chain: 4 },
  { mlp: 0, chain: 1 },
]);

/**
 * Combined scores: `mlp · score + chain · log P`; the MLP's alone when the
 * group is not a chain (`logProbs` null).
 *
 * @param scores MLP scores.
 * @param logProbs Chain log-probabilities (same order) or null.
 * @param mix Weights.
 * @returns Scores.
 * @example
 * ```ts
 * mixChainScores([2, 1], [-3, -0.05], { mlp: 1, chain: 1 }); // [-1, 0.95]
 * ```
 */
export function mixChainScores(
  scores: readonly number[],
  logProbs: readonly number[] | null,
  mix: ChainMix,
): number[] {
  if (!logProbs || mix.chain === 0) return [...scores];
  return scores.map((s, i) => mix.mlp * s + mix.chain * logProbs[i]!);
}
