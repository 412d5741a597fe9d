/**
 * The ranker's per-member input vector, built relative to the member's
 * group: image blocks, their deltas from the group mean, stage one-hot and
 * rank within the group, resolution ratio, distance to the other members,
 * group size.
 *
 * @module
 */
import type { GroupMemberInput } from "../types.ts";
import { type FeatureSpec, specSize, writeImageVector } from "../nn/mod.ts";
import { writeStageOneHot } from "../crop/mod.ts";
import { CLIP_BLOCK } from "../clip/mod.ts";
import {
  compareSignatures,
  SIGNATURE_BLOCK,
  TRANSITION_FEATURES,
  TRANSITION_SIZE,
} from "../signature/mod.ts";
import { cosineDistance } from "../math/mod.ts";

/**
 * How hard a step processed the whole frame (sharpening, contrast, saturation): whether that
 * is "too much" is one creator's taste in one project, not a defect. These features get one
 * coefficient per project (shrunk toward 0, "no effect") and no shared one in the chain
 * model (and their own per-project columns in the ranker input, `layout.tasteLocal`), so a taste learned
 * in one project never carries into another, and a project without evidence of a taste keeps
 * its highest stage. Local and colour features (residual peaks, detail loss, highlights,
 * colour shifts) are defects for any creator and stay shared.
 */
export const TASTE_FEATURES: readonly string[] = Object.freeze([
  "detail_median",
  "contrast_ratio",
  "saturation_ratio",
  "native_detail",
  "native_edges",
]);

/** Number of fixed group-context columns after the image blocks and deltas. */
export const CONTEXT_COLUMNS = 5 + 10;

/**
 * Transition columns: has-a-predecessor flag, then what changed from the
 * stage below (lib/signature), then the largest change anywhere on the way
 * up from the group's lowest stage (a defect carries into every later stage).
 */
export const TRANSITION_COLUMNS = 1 + 2 * TRANSITION_SIZE + 2;

/**
 * What a normal transition of each kind (`"1->1.5"`, `"1.5->2"`, … and
 * `"any"`) looks like: per-feature median and robust scale (1.4826 × MAD)
 * over training groups. Transition columns are then robust z-scores —
 * "how unusual is this change for this step of the pipeline" — compressed
 * as sign(z)·log(1 + |z|), which carries over to defects this model never
 * saw better than raw magnitudes do.
 */
export type TransitionReference = Record<string, { median: number[]; scale: number[] }>;

/**
 * CLIP columns (`layout.clip`): whether the set has pixels (history whose
 * rejected files are gone is ranked from embeddings only), then the
 * embedding's step from the stage below — has-a-predecessor flag, cosine
 * distance to the nearest lower-stage member, the largest such step on the
 * way up — and the cosine distance to the mean of the other members.
 */
export const CLIP_COLUMNS = 5;

/** Context columns of a layout: the fixed ones plus one "largest change" per extra block. */
export function contextColumns(layout: RankFeatureLayout): number {
  return CONTEXT_COLUMNS + layout.image.blocks.length +
    (layout.projects ? layout.projects.length + 1 : 0) +
    (layout.transitions ? TRANSITION_COLUMNS + tasteColumns(layout) : 0) +
    (layout.clip ? CLIP_COLUMNS : 0);
}

/** Per-project taste columns of a layout (one per project and taste feature). */
function tasteColumns(layout: RankFeatureLayout): number {
  return layout.tasteLocal && layout.projects
    ? layout.projects.length * layout.tasteLocal.length
    : 0;
}

/** Layout of the ranker input. */
export interface RankFeatureLayout {
  image: FeatureSpec;
  /** Include deltas of the image blocks from the group mean. */
  deltas: boolean;
  /**
   * Projects with their own one-hot column (plus one "other"); lets the model learn how often
   * each project departs from the highest stage. Absent: no project columns.
   */
  projects?: string[];
  /**
   * Add transition columns computed from each member's pixel signature
   * (`features.blocks.signature`) against the stage below it. Absent: none.
   */
  transitions?: boolean;
  /** Normal-transition reference (see {@linkcode TransitionReference}); absent: raw values. */
  transitionRef?: TransitionReference;
  /**
   * Transition features that are one project's taste ({@linkcode TASTE_FEATURES}): left out of
   * the shared transition columns and given one column per project (zero in the others'), so
   * what one project's creator thinks of heavy processing never reaches another project.
   * Needs `projects`. Absent (older rankers): every transition feature shared.
   */
  tasteLocal?: string[];
  /** Add the CLIP columns ({@linkcode CLIP_COLUMNS}) from `features.blocks.clip`. Absent: none. */
  clip?: boolean;
}

/** Length of one member's input vector. */
export function rankInputSize(layout: RankFeatureLayout): number {
  const s = specSize(layout.image);
  return s * (layout.deltas ? 2 : 1) + contextColumns(layout);
}

/** Cosine distance of two embeddings; 0 (no evidence) when one is missing or lengths differ. */
function embeddingDistance(a: Float32Array | null, b: Float32Array | null): number {
  return !a || !b || a.length !== b.length ? 0 : cosineDistance(a, b);
}

function l2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / Math.max(1, n));
}

/**
 * Write the input rows of one group into `out` starting at row `row`.
 *
 * @param members The group.
 * @param layout Layout.
 * @param out Row-major destination.
 * @param row First row.
 * @example
 * ```ts
 * declare const members: Parameters<typeof writeGroupInputs>[0], layout: Parameters<typeof writeGroupInputs>[1], x: Float32Array;
 * writeGroupInputs(members, layout, x, 0);
 * ```
 */
export function writeGroupInputs(
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
  out: Float32Array,
  row: number,
): void {
  const n = members.length;
  const s = specSize(layout.image);
  const d = rankInputSize(layout);
  const vecs = members.map((m) => {
    const v = new Float32Array(s);
    writeImageVector(m.features, layout.image, v, 0);
    return v;
  });
  const mean = new Float32Array(s);
  for (const v of vecs) for (let j = 0; j < s; j++) mean[j]! += v[j]! / n;
  const stages = members.map((m) => m.stage ?? 0);
  const maxStage = Math.max(...stages), minStage = Math.min(...stages);
  const pixels = members.map((m) => Math.max(1, m.width * m.height));
  const transitions = {
    own: layout.transitions ? groupTransitions(members, stages, layout.transitionRef) : [],
    stages,
  };
  const maxPixels = Math.max(...pixels);
  members.forEach((m, i) => {
    let o = (row + i) * d;
    out.set(vecs[i]!, o);
    o += s;
    if (layout.deltas) {
      for (let j = 0; j < s; j++) out[o + j] = vecs[i]![j]! - mean[j]!;
      o += s;
    }
    o = writeStageOneHot(m.stage, out, o);
    const st = stages[i]!;
    const below = stages.filter((x) => x < st).length;
    const above = stages.filter((x) => x > st).length;
    let embDist = 0, bDist = 0;
    members.forEach((other, k) => {
      if (k === i) return;
      embDist += embeddingDistance(m.features.embedding, other.features.embedding) / (n - 1);
      bDist += l2(m.features.builtin, other.features.builtin) / (n - 1);
    });
    out[o++] = st === maxStage ? 1 : 0;
    out[o++] = st === minStage ? 1 : 0;
    out[o++] = maxStage - st;
    out[o++] = n > 1 ? below / (n - 1) : 0;
    out[o++] = n > 1 ? above / (n - 1) : 0;
    out[o++] = Math.log2(pixels[i]! / maxPixels);
    out[o++] = embDist;
    out[o++] = bDist;
    out[o++] = 1 / n;
    out[o++] = stages.filter((x) => x === st).length / n;
    // Per extra block (e.g. the spatial layout grid): the largest change of one value against
    // the mean of the other members — a local defect shows up as one cell that moved.
    let start = layout.image.builtin + layout.image.embedding;
    for (const b of layout.image.blocks) {
      let maxDelta = 0;
      for (let j = start; j < start + b.size; j++) {
        const others = n > 1 ? (mean[j]! * n - vecs[i]![j]!) / (n - 1) : vecs[i]![j]!;
        maxDelta = Math.max(maxDelta, Math.abs(vecs[i]![j]! - others));
      }
      out[o++] = maxDelta;
      start += b.size;
    }
    if (layout.projects) {
      const p = layout.projects.indexOf(m.project);
      out[o + (p >= 0 ? p : layout.projects.length)] = 1;
      o += layout.projects.length + 1;
    }
    if (layout.transitions) {
      const local = tasteIndices(layout);
      writeTransitions(transitions, i, out, o, local);
      o += TRANSITION_COLUMNS;
      if (local.length && layout.projects) {
        const p = layout.projects.indexOf(m.project);
        const own = transitions.own[i]?.values;
        if (p >= 0 && own) local.forEach((j, q) => (out[o + p * local.length + q] = own[j]!));
        o += layout.projects.length * local.length;
      }
    }
    if (layout.clip) writeClipColumns(members, stages, i, out, o);
  });
}

/** The CLIP columns of member `i` (see {@linkcode CLIP_COLUMNS}). */
function writeClipColumns(
  members: GroupMemberInput[],
  stages: number[],
  i: number,
  out: Float32Array,
  o: number,
): void {
  const clip = (k: number) => members[k]!.features.blocks?.[CLIP_BLOCK] ?? null;
  out[o] = members[i]!.features.builtin.length > 0 ? 1 : 0;
  // Nearest lower stage with an embedding: the step this member took.
  const lower = (k: number): number => {
    let pred = -1;
    members.forEach((_, j) => {
      if (stages[j]! >= stages[k]! || !clip(j)) return;
      if (pred < 0 || stages[j]! > stages[pred]!) pred = j;
    });
    return pred;
  };
  const own = clip(i);
  const pred = own ? lower(i) : -1;
  out[o + 1] = pred >= 0 ? 1 : 0;
  out[o + 2] = pred >= 0 ? embeddingDistance(own, clip(pred)) : 0;
  let chain = 0;
  members.forEach((_, k) => {
    if (stages[k]! > stages[i]! || !clip(k)) return;
    const p = lower(k);
    if (p >= 0) chain = Math.max(chain, embeddingDistance(clip(k), clip(p)));
  });
  out[o + 3] = chain;
  let others: Float32Array | null = null;
  members.forEach((_, k) => {
    const v = clip(k);
    if (k === i || !v || !own || v.length !== own.length) return;
    others ??= new Float32Array(own.length);
    for (let j = 0; j < v.length; j++) others[j]! += v[j]!;
  });
  out[o + 4] = own && others ? embeddingDistance(own, others) : 0;
}

/** One member's step up: what changed, and from which member (the nearest lower stage with a signature). */
export interface Step {
  values: Float32Array;
  from: number;
}

/** Last transitions computed per group (ranking then explaining one group compares once). */
const memo = new WeakMap<
  GroupMemberInput[],
  { ref: TransitionReference | undefined; own: (Step | null)[] }
>();

/** Per member: its own step from the stage below, or null (lowest stage / no signature). */
function groupTransitions(
  members: GroupMemberInput[],
  stages: number[],
  ref?: TransitionReference,
): (Step | null)[] {
  const hit = memo.get(members);
  if (hit && hit.ref === ref) return hit.own;
  const own = computeTransitions(members, stages, ref);
  memo.set(members, { ref, own });
  return own;
}

function computeTransitions(
  members: GroupMemberInput[],
  stages: number[],
  ref?: TransitionReference,
): (Step | null)[] {
  return members.map((m, i) => {
    const sig = m.features.blocks?.[SIGNATURE_BLOCK];
    if (!sig) return null;
    let pred = -1;
    members.forEach((other, k) => {
      if (stages[k]! >= stages[i]! || !other.features.blocks?.[SIGNATURE_BLOCK]) return;
      if (pred < 0 || stages[k]! > stages[pred]!) pred = k;
    });
    if (pred < 0) return null;
    const t = compareSignatures(sig, members[pred]!.features.blocks![SIGNATURE_BLOCK]!);
    const r = ref ? ref[transitionKind(stages[pred]!, stages[i]!)] ?? ref["any"] : undefined;
    if (r) {
      for (let j = 0; j < t.length; j++) {
        const z = (t[j]! - r.median[j]!) / r.scale[j]!;
        t[j] = Math.sign(z) * Math.log1p(Math.abs(z));
      }
    }
    return { values: t, from: pred };
  });
}

/**
 * Each member's step up from the stage below (robust z-scores compressed as
 * sign(z)·log(1 + |z|) when the layout has a reference), or null for the
 * lowest stage and members without a signature.
 *
 * @param members The group.
 * @param layout The ranker's layout.
 * @returns One step (or null) per member.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const meta: { layout: Parameters<typeof memberSteps>[1] };
 * memberSteps(members, meta.layout)[2]?.from; // index of the member stage 2 was compared with
 * ```
 */
export function memberSteps(
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): (Step | null)[] {
  if (!layout.transitions) return members.map(() => null);
  return groupTransitions(members, members.map((m) => m.stage ?? 0), layout.transitionRef);
}

/** Phrases for unusual transition features, strongest evidence first. */
const TRANSITION_PHRASES: readonly [string[], string][] = [
  [
    ["residual_peak", "residual_peak_ratio", "residual_max"],
    "a local change (pasted patch, warp or face mismatch?)",
  ],
  [["detail_loss", "detail_fit_loss"], "detail lost in one region (smear?)"],
  [["highlight_peak", "highlight_mean"], "blown highlights"],
  [["chroma_shift", "mean_shift", "shift_spread"], "a colour shift"],
  [["residual_mean", "residual_p90"], "changes all over (tiling or seams?)"],
  [["detail_median", "contrast_ratio", "saturation_ratio"], "heavier processing than usual"],
];

/** Robust z above which a transition feature is called out in a reason. */
const NOTE_Z = 6;

/**
 * Sentences about members whose step up from the stage below is unusual
 * for that step of the pipeline, e.g. "stage 2 vs stage 1.5: blown
 * highlights (9× the usual change)". Needs a layout with a reference.
 *
 * @param members The group.
 * @param layout The ranker's layout.
 * @returns One list of sentences per member (empty when nothing stands out).
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const meta: { layout: Parameters<typeof transitionNotes>[1] };
 * transitionNotes(members, meta.layout)[2]; // ["stage 2 vs stage 1.5: a colour shift (8× the usual change)"]
 * ```
 */
export function transitionNotes(
  members: GroupMemberInput[],
  layout: RankFeatureLayout,
): string[][] {
  if (!layout.transitions || !layout.transitionRef) return members.map(() => []);
  const stages = members.map((m) => m.stage ?? 0);
  const own = groupTransitions(members, stages, layout.transitionRef);
  return own.map((step, i) => {
    if (!step) return [];
    const t = step.values;
    const found: { z: number; phrase: string }[] = [];
    for (const [names, phrase] of TRANSITION_PHRASES) {
      let z = 0;
      for (const n of names) {
        const j = TRANSITION_FEATURES.indexOf(n);
        // Only the defect direction (more change, more processing) counts; undo the
        // log compression: sign(z)·log(1+|z|) → z.
        if (j >= 0 && t[j]! > 0) z = Math.max(z, Math.expm1(t[j]!));
      }
      if (z >= NOTE_Z) found.push({ z, phrase });
    }
    found.sort((a, b) => b.z - a.z);
    return found.slice(0, 2).map((f) =>
      `stage ${stages[i]} vs stage ${stages[step.from]}: ${f.phrase} (${
        Math.round(f.z)
      }× the usual spread)`
    );
  });
}

/** Key of a transition between two stages, e.g. `"1.5->2"`. */
export function transitionKind(from: number, to: number): string {
  return `${from}->${to}`;
}

/** Minimum transitions of one kind for its own reference (else "any" serves). */
const MIN_REFERENCE = 20;

/**
 * The normal-transition reference of a training set (labels unused: most
 * transitions are healthy, and median/MAD ignore the few broken ones).
 *
 * @param groups Member lists.
 * @returns Reference by transition kind, plus "any".
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const train: { members: GroupMemberInput[] }[];
 * const ref = transitionReference(train.map((g) => g.members));
 * ```
 */
export function transitionReference(groups: GroupMemberInput[][]): TransitionReference {
  const byKind = new Map<string, Float32Array[]>();
  const all: Float32Array[] = [];
  for (const members of groups) {
    const stages = members.map((m) => m.stage ?? 0);
    const own = groupTransitions(members, stages);
    own.forEach((step, i) => {
      if (!step) return;
      const key = transitionKind(stages[step.from]!, stages[i]!);
      if (!byKind.has(key)) byKind.set(key, []);
      byKind.get(key)!.push(step.values);
      all.push(step.values);
    });
  }
  const out: TransitionReference = {};
  if (all.length === 0) return out;
  out["any"] = robust(all);
  // A kind whose normal change is nearly constant (a face swap leaves the frame's median detail
  // untouched) would make any wobble look huge: its scale is floored by a quarter of the pooled one.
  const floor = out["any"].scale.map((v) => 0.25 * v);
  for (const [k, ts] of byKind) if (ts.length >= MIN_REFERENCE) out[k] = robust(ts, floor);
  return out;
}

function robust(ts: Float32Array[], floor?: number[]): { median: number[]; scale: number[] } {
  const median: number[] = [], scale: number[] = [];
  const q = (v: number[], p: number) => v[Math.floor(p * (v.length - 1))]!;
  for (let j = 0; j < TRANSITION_SIZE; j++) {
    const v = ts.map((t) => t[j]!).sort((a, b) => a - b);
    const m = q(v, 0.5);
    const mad = q(v.map((x) => Math.abs(x - m)).sort((a, b) => a - b), 0.5);
    // MAD, or the 10-90% spread when more than half the values are equal; a change within
    // 10% of the typical one is never "unusual".
    median.push(m);
    scale.push(
      Math.max(
        1.4826 * mad,
        (q(v, 0.9) - q(v, 0.1)) / 2.56,
        0.1 * Math.abs(m),
        floor?.[j] ?? 0,
        1e-3,
      ),
    );
  }
  return { median, scale };
}

/** Indices (into the transition values) of the layout's project-local taste features. */
function tasteIndices(layout: RankFeatureLayout): number[] {
  if (!layout.tasteLocal || !layout.projects) return [];
  return layout.tasteLocal.map((n) => TRANSITION_FEATURES.indexOf(n)).filter((j) => j >= 0);
}

function writeTransitions(
  all: { own: (Step | null)[]; stages: number[] },
  i: number,
  out: Float32Array,
  o: number,
  local: readonly number[] = [],
): void {
  const own = all.own[i]?.values;
  out[o] = own ? 1 : 0;
  if (own) out.set(own, o + 1);
  // Taste features are the project's own (their per-project columns follow).
  for (const j of local) out[o + 1 + j] = 0;
  // Largest absolute change over every transition at or below this member's stage.
  const cum = o + 1 + TRANSITION_SIZE;
  out.fill(0, cum, cum + TRANSITION_SIZE + 2);
  let chainMax = 0;
  all.own.forEach((step, k) => {
    if (!step || all.stages[k]! > all.stages[i]!) return;
    for (let j = 0; j < TRANSITION_SIZE; j++) {
      if (local.includes(j)) continue;
      const a = Math.abs(step.values[j]!);
      out[cum + j] = Math.max(out[cum + j]!, a);
      chainMax = Math.max(chainMax, a);
    }
  });
  // The single most unusual value: of this step, and of the whole way up.
  let ownMax = 0;
  if (own) own.forEach((v, j) => !local.includes(j) && (ownMax = Math.max(ownMax, Math.abs(v))));
  out[cum + TRANSITION_SIZE] = ownMax;
  out[cum + TRANSITION_SIZE + 1] = chainMax;
}

/**
 * Input matrix for many groups, with each group's first row.
 *
 * @param groups Member lists.
 * @param layout Layout.
 * @returns Rows and offsets (`offsets[g]` = first row of group g; last = total).
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const layout: Parameters<typeof rankMatrix>[1];
 * const { x, offsets } = rankMatrix([members], layout);
 * ```
 */
export function rankMatrix(
  groups: GroupMemberInput[][],
  layout: RankFeatureLayout,
): { x: Float32Array; offsets: number[] } {
  const offsets = [0];
  for (const g of groups) offsets.push(offsets[offsets.length - 1]! + g.length);
  const x = new Float32Array(offsets[offsets.length - 1]! * rankInputSize(layout));
  groups.forEach((g, i) => writeGroupInputs(g, layout, x, offsets[i]!));
  return { x, offsets };
}
