/**
 * Records the vision adapter returns. Coordinates are normalised to [0, 1] by image width and
 * height; boxes are `[x1, y1, x2, y2]` like every box in keeper (`Box` in lib/types.ts).
 *
 * @module
 */
import type { Box } from "../types.ts";

/** MoveNet's 17 COCO keypoints, in model order. */
export const KEYPOINT_NAMES = [
  "nose",
  "leftEye",
  "rightEye",
  "leftEar",
  "rightEar",
  "leftShoulder",
  "rightShoulder",
  "leftElbow",
  "rightElbow",
  "leftWrist",
  "rightWrist",
  "leftHip",
  "rightHip",
  "leftKnee",
  "rightKnee",
  "leftAnkle",
  "rightAnkle",
] as const;

/** One of {@linkcode KEYPOINT_NAMES}. */
export type KeypointName = typeof KEYPOINT_NAMES[number];

/** A detected face (BlazeFace box, confirmed by FaceMesh). */
export interface VisionFace {
  /** Normalised face box. */
  box: Box;
  /** Combined confidence (detector × mesh), 0-1. */
  score: number;
  /** BlazeFace detector confidence, 0-1. */
  detectorScore: number;
  /** FaceMesh confidence that the crop holds a face, 0-1. */
  meshScore: number;
}

/** One body keypoint (only those MoveNet scored above its threshold are listed). */
export interface VisionKeypoint {
  part: KeypointName;
  /** Normalised position. */
  x: number;
  y: number;
  score: number;
}

/** A MoveNet body pose (single person). */
export interface VisionBody {
  /** Mean keypoint confidence, 0-1. */
  score: number;
  keypoints: VisionKeypoint[];
}

/** A hand or a person box with a score. */
export interface ScoredBox {
  box: Box;
  score: number;
}

/** Everything the vision models say about one image. */
export interface VisionResult {
  /** Pixel size of the image that was analysed. */
  width: number;
  height: number;
  /** Faces, best first. */
  faces: VisionFace[];
  /** Body poses (MoveNet lightning finds at most one). */
  bodies: VisionBody[];
  /** Hand boxes (HandTrack), best first. */
  hands: ScoredBox[];
  /** CenterNet "person" detections after non-max suppression, best first. */
  persons: ScoredBox[];
  /** Union of the person evidence, or null when there is no person. */
  subject: Box | null;
  /** L2-normalised 720-d CenterNet/MobileNetV3 backbone embedding, when asked for. */
  embedding: Float32Array | null;
}
