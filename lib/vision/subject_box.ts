/**
 * The subject box: the person vision is surest of, read from one kind of evidence at a time
 * rather than the union of all of it.
 *
 * @module
 */
import type { Box } from "../types.ts";
import { iou } from "../math/mod.ts";
import type { VisionBody, VisionFace, VisionResult } from "./_types.ts";

/** Thresholds for {@linkcode subjectBox}. */
export interface SubjectBoxOptions {
  /** CenterNet person boxes at or above this score count (the best one is the subject)… */
  minPersonScore?: number;
  /** …but one below this score yields to a likelier non-person label on the same box (a cat). */
  surePersonScore?: number;
  /**
   * A fainter person box (drawn and painted figures score 0.05-0.2) counts from this score
   * when the body or face evidence lies inside it.
   */
  faintPersonScore?: number;
  /** A body counts when its mean score reaches this… */
  minBodyScore?: number;
  /** …using only keypoints at or above this score (at least 3 of them). */
  minKeypointScore?: number;
  /** Faces at or above this combined score count (FaceMesh already rejects most non-faces). */
  minFaceScore?: number;
  /** Hands at or above this score count, but only next to other person evidence. */
  minHandScore?: number;
  /** Hair above the face box, as a fraction of the face height. */
  headMargin?: number;
  /** A head or hand joins the other evidence only when this share of its area overlaps it. */
  minOverlap?: number;
  /** Keypoints are joints: the figure reaches this many torso lengths beyond them sideways… */
  limbMargin?: number;
  /** …this many below the ankles (feet)… */
  footMargin?: number;
  /** …and this many above the highest eye, ear or nose (the crown). */
  crownMargin?: number;
}

/** Default thresholds of {@linkcode subjectBox}. */
export const subjectBoxDefaults = {
  minPersonScore: 0.2,
  surePersonScore: 0.4,
  faintPersonScore: 0.05,
  minBodyScore: 0.3,
  minKeypointScore: 0.3,
  minFaceScore: 0.5,
  minHandScore: 0.6,
  headMargin: 0.35,
  minOverlap: 0.5,
  limbMargin: 0.25,
  footMargin: 0.2,
  crownMargin: 0.4,
} satisfies Required<SubjectBoxOptions>;

/**
 * The subject of one image. A CenterNet person box scoring at least `minPersonScore` (and not
 * outscored by a non-person label on the same box) is the subject on its own: it holds the whole
 * figure, while faces, keypoints and hands hold parts of it and, on drawn or painted
 * characters, fire on the background (a union of them all came out too small where only the
 * joints were found, and loose where a stray face or hand was far from the figure). Otherwise
 * the evidence is the body keypoints grown from the joints to the figure's outline, joined by
 * the faces (grown to heads) that overlap it; a fainter person box (from `faintPersonScore`)
 * around the middle of that evidence outlines the figure best, else the evidence is the box,
 * with the confident hands that overlap it. Hands or a faint box alone never make a subject
 * (they fire on cups, paws and a cat's outline).
 *
 * @param result Detections of one image (its `subject` field is ignored).
 * @param options Thresholds, see {@linkcode subjectBoxDefaults}.
 * @returns A normalised box, or null when no evidence passes the thresholds.
 * @example
 * ```ts
 * declare const result: Parameters<typeof subjectBox>[0];
 * const box = subjectBox(result); // [0.1, 0.05, 0.7, 1] or null
 * ```
 */
export function subjectBox(
  result: Omit<VisionResult, "subject" | "embedding">,
  options: SubjectBoxOptions = {},
): Box | null {
  const o = { ...subjectBoxDefaults, ...options };
  // A likelier non-person label on the same box (CenterNet's "cat" over its "person").
  const yields = (p: { box: Box; score: number }): boolean =>
    p.score < o.surePersonScore &&
    result.objects.some((b) => b.score > p.score && iou(b.box, p.box) >= 0.5);
  const person = result.persons.find((p) => p.score >= o.minPersonScore && !yields(p));
  if (person) return clampBox(person.box);
  const heads = result.faces.filter((f) => f.score >= o.minFaceScore).map((f) =>
    headBox(f, o.headMargin)
  );
  const body = result.bodies.find((b) => b.score >= o.minBodyScore);
  const figure = body ? bodyExtent(body, result.width / Math.max(1, result.height), o) : null;
  // The body, when found, decides where the figure is; a face elsewhere is another thing.
  const parts: Box[] = figure
    ? [figure, ...heads.filter((h) => overlapShare(h, figure) >= o.minOverlap)]
    : heads.slice(0, 1);
  const core = unionBox(parts);
  if (!core) return null;
  // A faint person box around that evidence outlines the figure better than the joints do.
  const [cx, cy] = [(core[0] + core[2]) / 2, (core[1] + core[3]) / 2];
  const faint = result.persons.find((p) =>
    p.score >= o.faintPersonScore && !yields(p) &&
    p.box[0] <= cx && cx <= p.box[2] && p.box[1] <= cy && cy <= p.box[3]
  );
  if (faint) return clampBox(faint.box);
  const hands = result.hands.filter((h) =>
    h.score >= o.minHandScore && overlapShare(h.box, core) >= o.minOverlap
  );
  return unionBox([core, ...hands.map((h) => h.box)]);
}

/**
 * The figure's extent from its body keypoints: the joints' extent grown by `limbMargin` torso
 * lengths sideways, `footMargin` below the ankles and `crownMargin` above the head's keypoints
 * (the torso length is shoulders to hips, else 2.5 head widths, else a third of the extent).
 *
 * @param body A body pose.
 * @param aspect Image width / height (x and y are normalised separately).
 * @param options Keypoint threshold and margins, see {@linkcode subjectBoxDefaults}.
 * @returns The clamped box, or null with fewer than 3 keypoints at the threshold.
 * @example
 * ```ts
 * declare const body: Parameters<typeof bodyExtent>[0];
 * bodyExtent(body, 1.5);
 * ```
 */
export function bodyExtent(
  body: Pick<VisionBody, "keypoints">,
  aspect: number,
  options: Pick<
    SubjectBoxOptions,
    "minKeypointScore" | "limbMargin" | "footMargin" | "crownMargin"
  > = {},
): Box | null {
  const o = { ...subjectBoxDefaults, ...options };
  const kps = body.keypoints.filter((k) => k.score >= o.minKeypointScore);
  if (kps.length < 3) return null;
  const of = (...parts: string[]) => kps.filter((k) => parts.includes(k.part));
  const meanY = (ks: readonly { y: number }[]): number | null =>
    ks.length ? ks.reduce((a, k) => a + k.y, 0) / ks.length : null;
  const xs = kps.map((k) => k.x);
  const ys = kps.map((k) => k.y);
  let [x1, y1, x2, y2] = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  const shoulders = meanY(of("leftShoulder", "rightShoulder"));
  const hips = meanY(of("leftHip", "rightHip"));
  const head = of("nose", "leftEye", "rightEye", "leftEar", "rightEar");
  const headX = head.map((k) => k.x);
  // Lengths in units of the image height; widths convert through the aspect ratio.
  const torso = shoulders !== null && hips !== null && hips > shoulders
    ? hips - shoulders
    : head.length >= 2
    ? 2.5 * (Math.max(...headX) - Math.min(...headX)) * aspect
    : (y2 - y1) / 3;
  if (head.length > 0) y1 = Math.min(y1, Math.min(...head.map((k) => k.y)) - o.crownMargin * torso);
  const ankles = of("leftAnkle", "rightAnkle");
  if (ankles.length > 0) {
    y2 = Math.max(
      y2,
      Math.max(...ankles.map((k) => k.y)) + o.footMargin * torso,
    );
  }
  const side = (o.limbMargin * torso) / Math.max(1e-6, aspect);
  return clampBox([x1 - side, y1, x2 + side, y2]);
}

/**
 * The head box of a face: grown upward by `margin` face heights (hair) and a little sideways.
 *
 * @param face A detected face.
 * @param margin Fraction of the face height added above.
 * @returns The clamped head box.
 * @example
 * ```ts
 * declare const face: Parameters<typeof headBox>[0];
 * headBox(face, 0.35);
 * ```
 */
export function headBox(face: Pick<VisionFace, "box">, margin: number): Box {
  const [x1, y1, x2, y2] = face.box;
  const w = x2 - x1;
  const h = y2 - y1;
  return clampBox([x1 - 0.15 * w, y1 - margin * h, x2 + 0.15 * w, y2 + 0.1 * h]);
}

/**
 * Smallest box holding all given boxes, clamped to the image; null for none.
 *
 * @param boxes Normalised boxes.
 * @returns Their union or null.
 * @example
 * ```ts
 * unionBox([[0, 0, 0.5, 0.5], [0.4, 0.4, 1, 1]]); // [0, 0, 1, 1]
 * ```
 */
export function unionBox(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    x1 = Math.min(x1, b[0]);
    y1 = Math.min(y1, b[1]);
    x2 = Math.max(x2, b[2]);
    y2 = Math.max(y2, b[3]);
  }
  return clampBox([x1, y1, x2, y2]);
}

/**
 * Share of box `a`'s area that lies inside box `b` (0 for an empty `a`).
 *
 * @param a The box measured.
 * @param b The box it may lie in.
 * @returns A share in [0, 1].
 * @example
 * ```ts
 * overlapShare([0, 0, 0.2, 0.2], [0.1, 0, 1, 1]); // 0.5
 * ```
 */
export function overlapShare(a: Box, b: Box): number {
  const area = (a[2] - a[0]) * (a[3] - a[1]);
  if (!(area > 0)) return 0;
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? (w * h) / area : 0;
}

/**
 * Clamp every coordinate of a box to [0, 1].
 *
 * @param b A box in normalised coordinates, possibly outside the image.
 * @returns The clamped box.
 * @example
 * ```ts
 * clampBox([-0.1, 0.2, 1.3, 0.9]); // [0, 0.2, 1, 0.9]
 * ```
 */
export function clampBox(b: Box): Box {
  const c = (v: number): number => Math.min(1, Math.max(0, v));
  return [c(b[0]), c(b[1]), c(b[2]), c(b[3])];
}
