/**
 * Per-project choice between the learned proposer, the subject-relative
 * crop, a blend of the two and the project's median box, made on crops
 * neither model was fitted on (the validation split), with each project's
 * scores shrunk toward the pooled scores so a project with a handful of
 * validation crops follows the creator's overall choice: the option with the
 * best pooled IoU, left by a project only where its own paired gain beats one
 * standard error (a best-of-six choice on a project's ~25 crops picks noise).
 *
 * @module
 */
import type { Box, CropProposal, GroupMemberInput } from "../types.ts";
import { iou } from "../math/mod.ts";
import { fitSubjectCrop, proposeSubjectCrop, type SubjectCropModel } from "./subject_crop.ts";
import type { CropExample } from "./crop_example.ts";

/** Weights of the subject crop tried (0 = learned only); -1 = the project's median box. */
export const BLEND_OPTIONS: readonly number[] = [0, 0.25, 0.5, 0.75, 1, -1];

/** The chosen mix, saved in `crop.json` beside the subject model. */
export interface CropBlend {
  /** Subject weight per project (-1: median box). */
  projects: Record<string, number>;
  /** For projects not seen in training. */
  global: number;
  /**
   * Validation mean IoU per option, pooled and per project (shrunk toward pooled), and per
   * project the lower bound of its gain over the overall choice (the best pooled option) that
   * the choice maximises: mean paired gain less one standard error, 0 for the overall choice.
   */
  scores: {
    option: number;
    pooled: number;
    projects: Record<string, number>;
    gain_lower: Record<string, number>;
  }[];

  /** Validation crops per project. */
  n: Record<string, number>;
  /** Pseudo-count pulling a project's scores toward the pooled ones. */
  prior: number;
}

/**
 * Combine a learned proposal and the subject crop with weight `w` (-1: median box); where
 * vision found no subject the learned proposal stands alone. A combined needs-crop below 0.5
 * proposes the whole frame.
 *
 * @param learned The learned proposer's proposal.
 * @param subject The subject crop model.
 * @param member The image.
 * @param w Subject weight.
 * @returns The proposal.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * type Args = Parameters<typeof blendProposal>;
 * declare const nn: { propose(m: GroupMemberInput): Args[0] }, model: Args[1], m: GroupMemberInput;
 * blendProposal(nn.propose(m), model, m, 0.5).box;
 * ```
 */
export function blendProposal(
  learned: CropProposal,
  subject: SubjectCropModel,
  member: Pick<GroupMemberInput, "features" | "project">,
  w: number,
): CropProposal {
  const s = proposeSubjectCrop(subject, member);
  // No subject found: the learned proposer (itself the project's usual box when it knows
  // nothing else); the median-box option stays the project's box.
  if (!s.subject && w > 0) w = 0;
  let box: Box, needs: number;
  if (w < 0) {
    box = [...(subject.projects[member.project]?.box ?? subject.global.box)] as Box;
    needs = s.needs;
  } else {
    box = learned.box.map((v, i) => (1 - w) * v + w * s.box[i]!) as Box;
    needs = (1 - w) * learned.needs_crop + w * s.needs;
  }
  if (w !== 0 && needs < 0.5) box = [0, 0, 1, 1];
  return { needs_crop: needs, box, confidence: learned.confidence };
}

/** Options for {@linkcode chooseCropBlend}. */
export interface ChooseCropBlendOptions {
  /** Pseudo-count of pooled scores in each project's score. */
  prior?: number;
}

const defaults = { prior: 10 } satisfies Required<ChooseCropBlendOptions>;

/**
 * Choose each project's mix on validation crops.
 *
 * @param val Validation crops (not used to fit either model).
 * @param learned The learned proposer.
 * @param subject The subject model fitted without `val`.
 * @param options Shrinkage of project scores.
 * @returns The per-project choice.
 * @example
 * ```ts
 * type Args = Parameters<typeof chooseCropBlend>;
 * declare const val: Args[0], nn: { propose: Args[1] }, subjectModel: Args[2];
 * const blend = chooseCropBlend(val, (m) => nn.propose(m), subjectModel);
 * ```
 */
export function chooseCropBlend(
  val: readonly CropExample[],
  learned: (m: GroupMemberInput) => CropProposal,
  subject: SubjectCropModel,
  options: ChooseCropBlendOptions = {},
): CropBlend {
  const o = { ...defaults, ...options };
  const projects = [...new Set(val.map((e) => e.member.project))].sort();
  const nn = val.map((e) => learned(e.member));
  const n: Record<string, number> = {};
  for (const p of projects) n[p] = val.filter((e) => e.member.project === p).length;
  const ious = BLEND_OPTIONS.map((w) =>
    val.map((e, i) => iou(blendProposal(nn[i]!, subject, e.member, w).box, e.box))
  );
  const mean = (xs: number[]): number => xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
  const sd = (xs: number[]): number => {
    const m = mean(xs);
    return xs.length > 1
      ? Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1))
      : 0;
  };
  // The creator's overall choice: the best pooled mean IoU.
  const pooledMeans = ious.map(mean);
  const overall = pooledMeans.reduce((a, v, k) => (v > pooledMeans[a]! + 1e-9 ? k : a), 0);
  const scores = BLEND_OPTIONS.map((w, k) => {
    const per: Record<string, number> = {};
    const lower: Record<string, number> = {};
    for (const p of projects) {
      const at = val.map((e, i) => (e.member.project === p ? i : -1)).filter((i) => i >= 0);
      const s = at.reduce((a, i) => a + ious[k]![i]!, 0);
      per[p] = (s + o.prior * pooledMeans[k]!) / (n[p]! + o.prior);
      // A project departs from the overall choice only where its own crops, compared one by
      // one, gain more than one standard error (a best-of-six pick on ~25 crops is noise).
      const g = at.map((i) => ious[k]![i]! - ious[overall]![i]!);
      lower[p] = k === overall ? 0 : mean(g) - sd(g) / Math.sqrt(Math.max(1, g.length));
    }
    return { option: w, pooled: pooledMeans[k]!, projects: per, gain_lower: lower };
  });
  const best = (key: (s: typeof scores[number]) => number): number =>
    scores.reduce((a, b) => (key(b) > key(a) + 1e-9 ? b : a)).option;
  const chosen: Record<string, number> = {};
  for (const p of projects) chosen[p] = best((s) => s.gain_lower[p]!);
  return {
    projects: chosen,
    global: val.length ? BLEND_OPTIONS[overall]! : 0,
    scores,
    n,
    prior: o.prior,
  };
}

/**
 * Fit the subject crop beside a trained learned proposer and record the per-project mix in
 * its metadata: the choice is made with a subject model fitted on `train` alone, then the
 * saved subject model is refitted on `train` and `val` together. Only crops whose image
 * carries the `vision` block count; nothing is added when no training crop does.
 *
 * @param meta The learned proposer's metadata (gets `subject` and `blend`).
 * @param sets Training and validation crops.
 * @param learned The learned proposer.
 * @returns Whether the subject crop was added.
 * @example
 * ```ts
 * import { cropProposerFrom } from "./crop_proposer.ts";
 * type Sets = Parameters<typeof addSubjectCrop>[1];
 * declare const model: Parameters<typeof cropProposerFrom>[0], train: Sets["train"], val: Sets["val"];
 * addSubjectCrop(model.meta, { train, val }, (m) => cropProposerFrom(model).propose(m));
 * ```
 */
export function addSubjectCrop(
  meta: { subject?: SubjectCropModel; blend?: CropBlend },
  sets: { train: readonly CropExample[]; val: readonly CropExample[] },
  learned: (m: GroupMemberInput) => CropProposal,
): boolean {
  // Only crops whose image went through vision (a sample may have): a missing block is not
  // "no subject found".
  const seen = (e: CropExample): boolean => e.member.features.blocks?.vision !== undefined;
  const train = sets.train.filter(seen), val = sets.val.filter(seen);
  const all = [...train, ...val];
  if (train.length === 0) return false;
  const blend = val.length
    ? chooseCropBlend(val, learned, fitSubjectCrop(train))
    : { projects: {}, global: 0, scores: [], n: {}, prior: defaults.prior };
  meta.subject = fitSubjectCrop(all);
  meta.blend = blend;
  return true;
}
