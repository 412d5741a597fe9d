/**
 * The subject box: the union of all person evidence in one image.
 *
 * @module
 */
import type { Box } from "../types.ts";
import type { VisionFace, VisionKeypoint, VisionResult } from "./_types.ts";

/** Thresholds for {@linkcode subjectBox}. */
export interface SubjectBoxOptions {
  /** CenterNet person boxes at or above this score count. */
  minPersonScore?: number;
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
}

/** Default thresholds of {@linkcode subjectBox}. */
export const subjectBoxDefaults = {
  minPersonScore: 0.4,
  minBodyScore: 0.3,
  minKeypointScore: 0.3,
  minFaceScore: 0.5,
  minHandScore: 0.6,
  headMargin: 0.35,
} satisfies Required<SubjectBoxOptions>;

/**
 * Union of the person evidence of one image: CenterNet person boxes, the body keypoints'
 * extent, faces grown to the whole head, and hands (only when something else already says
 * there is a person, because the hand detector fires on cups and paws).
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
  const boxes: Box[] = [];
  for (const p of result.persons) if (p.score >= o.minPersonScore) boxes.push(p.box);
  for (const body of result.bodies) {
    if (body.score < o.minBodyScore) continue;
    const box = keypointBox(body.keypoints.filter((k) => k.score >= o.minKeypointScore));
    if (box) boxes.push(box);
  }
  for (const f of result.faces) if (f.score >= o.minFaceScore) boxes.push(headBox(f, o.headMargin));
  if (boxes.length > 0) {
    for (const h of result.hands) if (h.score >= o.minHandScore) boxes.push(h.box);
  }
  return unionBox(boxes);
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

/** Extent of at least 3 keypoints, padded by 5% of its size; null for fewer. */
function keypointBox(kps: readonly VisionKeypoint[]): Box | null {
  if (kps.length < 3) return null;
  const xs = kps.map((k) => k.x);
  const ys = kps.map((k) => k.y);
  const [x1, x2, y1, y2] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const px = 0.05 * (x2 - x1);
  const py = 0.05 * (y2 - y1);
  return clampBox([x1 - px, y1 - py, x2 + px, y2 + py]);
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
