/**
 * The subject-following creator (`simulate({ creator: "subject" })`): drawn, painted and
 * 3-D-style characters (data/art, public-domain Open Clip Art) placed anywhere in the frame
 * at any size, cropped by a habit that follows the subject — the frame starts a margin above
 * the head and ends a per-project share of the figure's height down, centred between face and
 * figure with a per-project lean — with noise in every habit, a per-character offset of the
 * cut and occasional whole frames. Pure and seeded, like `_plan.ts`.
 *
 * @module
 */
import type { Box } from "../types.ts";
import { makeRng, type Rng, seedOf } from "./_rng.ts";
import type { ScenePlan, SubjectCropHabit } from "./types.ts";

/** A character photo: subject region and face box in source pixels. */
export interface CharacterInfo {
  name: string;
  file: string;
  width: number;
  height: number;
  subject: Box;
  face: Box;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/**
 * One project's subject-following crop habit.
 *
 * @param seed Simulation seed.
 * @param project Project id.
 * @param characters The project's characters (each gets its own offset of the cut).
 * @returns The habit.
 * @example
 * ```ts
 * planSubjectHabit(1, "sim1", ["fairy", "troll"]).cut;
 * ```
 */
export function planSubjectHabit(
  seed: number,
  project: string,
  characters: readonly string[],
): SubjectCropHabit {
  const rng = makeRng(seedOf(seed, project, "subject-habit"));
  const habit: SubjectCropHabit = {
    head_margin: rng.uniform(0.02, 0.14),
    head_margin_sd: rng.uniform(0.015, 0.04),
    cut: rng.uniform(0.45, 1.0),
    cut_sd: rng.uniform(0.04, 0.09),
    face_weight: rng.uniform(0.2, 0.9),
    lean: rng.uniform(-0.12, 0.12),
    x_sd: rng.uniform(0.02, 0.05),
    no_crop_p: rng.uniform(0.03, 0.08),
    character_cut: {},
  };
  for (const c of characters) habit.character_cut[c] = rng.normal() * 0.07;
  return habit;
}

/**
 * Place a character anywhere: 35-105 % of the frame's height, top anywhere from the frame's
 * top to half-way down, centre from a fifth to four fifths across; sometimes only the upper
 * part of the figure. Returns the scene and the subject and face boxes in the frame.
 *
 * @param rng The group's random stream.
 * @param ch The character.
 * @param backgrounds Background names.
 * @param w Frame width (px).
 * @param h Frame height (px).
 * @returns Scene, subject box, face box (normalised).
 * @example
 * ```ts
 * declare const rng: Parameters<typeof planArtScene>[0], fairy: Parameters<typeof planArtScene>[1];
 * const { subject } = planArtScene(rng, fairy, ["brick.png"], 832, 1216);
 * ```
 */
export function planArtScene(
  rng: Rng,
  ch: CharacterInfo,
  backgrounds: readonly string[],
  w: number,
  h: number,
): { scene: ScenePlan; subject: Box; face: Box } {
  const [sx0, sy0, sx1, sy1] = ch.subject;
  const [fx0, fy0, fx1, fy1] = ch.face;
  const sw = sx1 - sx0, sh = sy1 - sy0;
  const f = [(fx0 - sx0) / sw, (fy0 - sy0) / sh, (fx1 - sx0) / sw, (fy1 - sy0) / sh] as Box;
  // The whole figure, or (a third of the time) only its upper part below the face.
  const bottom = rng.chance(0.33) ? rng.uniform(Math.min(1, f[3] + 0.1), 1) : 1;
  const part: Box = [0, 0, 1, bottom];
  const flip = rng.chance(0.5);
  const partAspect = sw / (bottom * sh);
  let height = rng.uniform(0.35, 1.05);
  // A wide figure must still fit across the frame.
  height = Math.min(height, (0.95 * w) / (h * partAspect));
  const top = rng.uniform(0, Math.max(0, Math.min(0.5, 1 - height * 0.6)));
  const wN = (height * h * partAspect) / w;
  const cx = clamp(rng.uniform(0.2, 0.8), wN / 2, 1 - wN / 2);
  const x0 = cx - wN / 2;
  const pf0 = flip ? 1 - f[2] : f[0], pf2 = flip ? 1 - f[0] : f[2];
  const face: Box = [
    clamp(x0 + pf0 * wN, 0, 1),
    clamp(top + (f[1] / bottom) * height, 0, 1),
    clamp(x0 + pf2 * wN, 0, 1),
    clamp(top + (Math.min(f[3], bottom) / bottom) * height, 0, 1),
  ];
  const subject: Box = [clamp(x0, 0, 1), top, clamp(x0 + wN, 0, 1), clamp(top + height, 0, 1)];
  const warm = rng.normal() * 0.04;
  const scene: ScenePlan = {
    background: rng.pick(backgrounds),
    bg_window: [rng.uniform(0, 0.4), rng.uniform(0, 0.4), rng.uniform(0.55, 1)],
    bg_gain: [rng.uniform(0.55, 1.05), rng.uniform(0.55, 1.05), rng.uniform(0.55, 1.05)],
    subject_part: part,
    flip,
    cx,
    top,
    height,
    grade: [1 + warm, 1, 1 - warm],
  };
  return { scene, subject, face };
}

/**
 * The creator's crop of one image under a subject-following habit (aspect-locked, as the crop
 * tool keeps the source aspect), or null for the whole frame.
 *
 * @param rng The group's random stream.
 * @param habit The project's habit.
 * @param character The group's character.
 * @param boxes Subject and face boxes in the frame (normalised).
 * @returns The normalised box or null.
 * @example
 * ```ts
 * type Args = Parameters<typeof planSubjectCrop>;
 * declare const rng: Args[0], habit: Args[1], subject: Args[3]["subject"], face: Args[3]["face"];
 * planSubjectCrop(rng, habit, "fairy", { subject, face });
 * ```
 */
export function planSubjectCrop(
  rng: Rng,
  habit: SubjectCropHabit,
  character: string,
  boxes: { subject: Box; face: Box },
): Box | null {
  if (rng.chance(habit.no_crop_p)) return null;
  const [sx0, sTop, sx1, sBottom] = boxes.subject;
  const sh = sBottom - sTop;
  const margin = Math.max(0, habit.head_margin + rng.normal() * habit.head_margin_sd);
  const cut = habit.cut + (habit.character_cut[character] ?? 0) + rng.normal() * habit.cut_sd;
  const y1 = Math.max(0, sTop - margin * sh);
  const y2 = Math.max(sTop + clamp(cut, 0.25, 1.1) * sh, boxes.face[3] + 0.02);
  const side = y2 - y1;
  // Nothing worth cutting: the creator leaves the frame whole.
  if (side >= 0.97) return null;
  const s = Math.max(0.2, side);
  const faceCx = (boxes.face[0] + boxes.face[2]) / 2, bodyCx = (sx0 + sx1) / 2;
  const cx = habit.face_weight * faceCx + (1 - habit.face_weight) * bodyCx +
    (habit.lean + rng.normal() * habit.x_sd) * s;
  const x = clamp(cx - s / 2, 0, 1 - s);
  const y = Math.min(y1, 1 - s);
  return [x, y, x + s, y + s];
}
