/**
 * Fixed-layout feature blocks built from a {@linkcode VisionResult}: the `vision` block (crop
 * geometry + per-image face/hand/body evidence) and the `backbone` block (pretrained embedding).
 *
 * @module
 */
import type { KeypointName, VisionResult } from "./_types.ts";
import { subjectBox, subjectBoxDefaults } from "./subject_box.ts";

/** Bump when the meaning or order of {@linkcode VISION_BLOCK_LAYOUT} changes (cache keys use it). */
export const VISION_BLOCK_VERSION = 3;

/** Bump when the backbone block changes (model, node, input size or normalisation). */
export const BACKBONE_BLOCK_VERSION = 1;

/** Length of the backbone block (CenterNet MobileNetV3 `expanded_conv_14` pooled features). */
export const BACKBONE_DIM = 720;

/**
 * Names of the `vision` block's values, in order. Positions are normalised by image width (x)
 * and height (y). Missing parts read 0 with their `has_*` flag 0; without a subject the box is
 * the whole image `[0, 0, 1, 1]`. Counts are capped and scaled to [0, 1].
 */
export const VISION_BLOCK_LAYOUT = [
  // crop geometry
  "subject_x1",
  "subject_y1",
  "subject_x2",
  "subject_y2",
  "has_subject",
  "head_top_y",
  "shoulders_y",
  "hips_y",
  "knees_y",
  "ankles_y",
  "has_head_top",
  "has_shoulders",
  "has_hips",
  "has_knees",
  "has_ankles",
  "face_cx",
  "face_cy",
  "face_h",
  // evidence for ranking
  "face_count", // min(n, 3) / 3
  "face_score", // best face, detector × mesh
  "face_detector_score",
  "face_mesh_score",
  "hand_count", // min(n, 4) / 4
  "hand_score_max",
  "hand_score_mean",
  "body_score",
  "keypoint_fraction", // keypoints at or above 0.3, out of 17
  "person_score", // best CenterNet person
  "person_count", // min(n, 3) / 3, boxes scoring at least 0.2
  // the best non-person object (the subject when it is an animal or a thing); [0, 0, 1, 1] if none
  "object_x1",
  "object_y1",
  "object_x2",
  "object_y2",
  "object_score",
  // the best person box below the subject's rule (a faint drawn figure) when there is no
  // subject; [0, 0, 1, 1] and 0 otherwise
  "faint_x1",
  "faint_y1",
  "faint_x2",
  "faint_y2",
  "faint_score",
] as const;

/** One name of {@linkcode VISION_BLOCK_LAYOUT}. */
export type VisionBlockName = typeof VISION_BLOCK_LAYOUT[number];

/** Length of the `vision` block. */
export const VISION_BLOCK_DIM: number = VISION_BLOCK_LAYOUT.length;

const INDEX = Object.fromEntries(VISION_BLOCK_LAYOUT.map((n, i) => [n, i])) as Record<
  VisionBlockName,
  number
>;

/**
 * Position of a named value in the `vision` block.
 *
 * @param name A name from {@linkcode VISION_BLOCK_LAYOUT}.
 * @returns Its index.
 * @example
 * ```ts
 * declare const block: Float32Array;
 * block[visionBlockIndex("face_score")];
 * ```
 */
export function visionBlockIndex(name: VisionBlockName): number {
  return INDEX[name];
}

/** Options for {@linkcode visionBlock}. */
export interface VisionBlockOptions {
  /** Keypoints below this score count as not seen. */
  minKeypointScore?: number;
  /** Hair above the face box, as a fraction of face height (head top estimate). */
  headMargin?: number;
}

const blockDefaults = {
  minKeypointScore: subjectBoxDefaults.minKeypointScore,
  headMargin: subjectBoxDefaults.headMargin,
} satisfies Required<VisionBlockOptions>;

/**
 * The `vision` feature block of one image (layout {@linkcode VISION_BLOCK_LAYOUT}, version
 * {@linkcode VISION_BLOCK_VERSION}).
 *
 * @param result Detections of one image.
 * @param options Keypoint threshold and head margin.
 * @returns A Float32Array of length {@linkcode VISION_BLOCK_DIM}.
 * @example
 * ```ts
 * import type { VisionModel } from "./vision_model.ts";
 * import type { RawImage } from "../image/mod.ts";
 * declare const model: VisionModel, raw: RawImage;
 * const block = visionBlock(await model.analyze(raw));
 * ```
 */
export function visionBlock(result: VisionResult, options: VisionBlockOptions = {}): Float32Array {
  const o = { ...blockDefaults, ...options };
  const v = new Float32Array(VISION_BLOCK_DIM);
  const set = (name: VisionBlockName, value: number): void => {
    v[INDEX[name]] = value;
  };
  // The subject as today's rule reads the evidence: a cached result keeps the `subject` of the
  // rule it was analysed under.
  const subject = subjectBox(result);
  const s = subject ?? [0, 0, 1, 1];
  set("subject_x1", s[0]);
  set("subject_y1", s[1]);
  set("subject_x2", s[2]);
  set("subject_y2", s[3]);
  set("has_subject", subject ? 1 : 0);

  const body = result.bodies[0];
  const seen = body ? body.keypoints.filter((k) => k.score >= o.minKeypointScore) : [];
  const meanY = (parts: KeypointName[]): number | null => {
    const ys = seen.filter((k) => parts.includes(k.part)).map((k) => k.y);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null;
  };
  const face = result.faces[0];
  const heights: [VisionBlockName, VisionBlockName, number | null][] = [
    [
      "head_top_y",
      "has_head_top",
      face
        ? headTop(face.box, o.headMargin)
        : keypointHeadTop(seen, result.width / Math.max(1, result.height)),
    ],
    ["shoulders_y", "has_shoulders", meanY(["leftShoulder", "rightShoulder"])],
    ["hips_y", "has_hips", meanY(["leftHip", "rightHip"])],
    ["knees_y", "has_knees", meanY(["leftKnee", "rightKnee"])],
    ["ankles_y", "has_ankles", meanY(["leftAnkle", "rightAnkle"])],
  ];
  for (const [name, flag, y] of heights) {
    if (y === null) continue;
    set(name, y);
    set(flag, 1);
  }
  if (face) {
    set("face_cx", (face.box[0] + face.box[2]) / 2);
    set("face_cy", (face.box[1] + face.box[3]) / 2);
    set("face_h", face.box[3] - face.box[1]);
    set("face_score", face.score);
    set("face_detector_score", face.detectorScore);
    set("face_mesh_score", face.meshScore);
  }
  set("face_count", Math.min(result.faces.length, 3) / 3);
  const handScores = result.hands.map((h) => h.score);
  set("hand_count", Math.min(handScores.length, 4) / 4);
  if (handScores.length) {
    set("hand_score_max", Math.max(...handScores));
    set("hand_score_mean", handScores.reduce((a, b) => a + b, 0) / handScores.length);
  }
  set("body_score", body?.score ?? 0);
  set("keypoint_fraction", seen.length / 17);
  set("person_score", result.persons[0]?.score ?? 0);
  // Faint person boxes (below the subject's person score) are reported for drawn figures; the
  // count keeps its meaning.
  const counted = result.persons.filter((p) => p.score >= subjectBoxDefaults.minPersonScore);
  set("person_count", Math.min(counted.length, 3) / 3);
  // A scored box slot: the box (the whole image when absent) and its score (0 when absent).
  const setScored = (
    slot: "object" | "faint",
    found: { box: number[]; score: number } | undefined,
  ) => {
    const b = found?.box ?? [0, 0, 1, 1];
    set(`${slot}_x1`, b[0]!);
    set(`${slot}_y1`, b[1]!);
    set(`${slot}_x2`, b[2]!);
    set(`${slot}_y2`, b[3]!);
    set(`${slot}_score`, found?.score ?? 0);
  };
  setScored("object", result.objects[0]);
  setScored("faint", subject ? undefined : result.persons[0]);
  return v;
}

/**
 * The `backbone` block: the pretrained embedding (already L2-normalised), or null when the
 * result was computed without it.
 *
 * @param result Detections of one image, analysed with `embedding: true`.
 * @returns A Float32Array of length {@linkcode BACKBONE_DIM}, or null.
 * @example
 * ```ts
 * import type { VisionModel } from "./vision_model.ts";
 * import type { RawImage } from "../image/mod.ts";
 * declare const model: VisionModel, raw: RawImage;
 * const emb = backboneBlock(await model.analyze(raw, { embedding: true }));
 * ```
 */
export function backboneBlock(result: VisionResult): Float32Array | null {
  return result.embedding;
}

/** Head top from a face box: the face top raised by `margin` face heights (hair). */
function headTop(box: readonly number[], margin: number): number {
  const [, y1 = 0, , y2 = 0] = box;
  return Math.max(0, y1 - margin * (y2 - y1));
}

/**
 * Head top from eyes/ears/nose when no face was found: the highest of them minus about one head
 * width (x is normalised by width, y by height, hence the aspect ratio).
 */
function keypointHeadTop(
  seen: readonly { part: KeypointName; x: number; y: number }[],
  aspect: number,
): number | null {
  const head = seen.filter((k) =>
    ["nose", "leftEye", "rightEye", "leftEar", "rightEar"].includes(k.part)
  );
  if (head.length < 2) return null;
  const xs = head.map((k) => k.x);
  const width = Math.max(...xs) - Math.min(...xs);
  return Math.max(0, Math.min(...head.map((k) => k.y)) - 0.9 * width * aspect);
}
