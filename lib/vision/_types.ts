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
  /** Which keypoint. */
  part: KeypointName;
  /** Position across, normalised by image width. */
  x: number;
  /** Position down, normalised by image height. */
  y: number;
  /** MoveNet confidence, 0-1. */
  score: number;
}

/** A MoveNet body pose (single person). */
export interface VisionBody {
  /** Mean keypoint confidence, 0-1. */
  score: number;
  /** The keypoints MoveNet kept. */
  keypoints: VisionKeypoint[];
}

/** A hand or a person box with a score. */
export interface ScoredBox {
  /** Normalised box. */
  box: Box;
  /** Detector confidence, 0-1. */
  score: number;
}

/** The 80 COCO classes CenterNet detects, in its class-index order. */
export const COCO_LABELS: readonly string[] = [
  "person",
  "bicycle",
  "car",
  "motorcycle",
  "airplane",
  "bus",
  "train",
  "truck",
  "boat",
  "traffic light",
  "fire hydrant",
  "stop sign",
  "parking meter",
  "bench",
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "backpack",
  "umbrella",
  "handbag",
  "tie",
  "suitcase",
  "frisbee",
  "skis",
  "snowboard",
  "sports ball",
  "kite",
  "baseball bat",
  "baseball glove",
  "skateboard",
  "surfboard",
  "tennis racket",
  "bottle",
  "wine glass",
  "cup",
  "fork",
  "knife",
  "spoon",
  "bowl",
  "banana",
  "apple",
  "sandwich",
  "orange",
  "broccoli",
  "carrot",
  "hot dog",
  "pizza",
  "donut",
  "cake",
  "chair",
  "couch",
  "potted plant",
  "bed",
  "dining table",
  "toilet",
  "tv",
  "laptop",
  "mouse",
  "remote",
  "keyboard",
  "cell phone",
  "microwave",
  "oven",
  "toaster",
  "sink",
  "refrigerator",
  "book",
  "clock",
  "vase",
  "scissors",
  "teddy bear",
  "hair drier",
  "toothbrush",
];

/** A CenterNet detection other than a person. */
export interface LabeledBox extends ScoredBox {
  /** COCO class name, e.g. "cat". */
  label: string;
}

/** Everything the vision models say about one image. */
export interface VisionResult {
  /** Pixel width of the image that was analysed. */
  width: number;
  /** Pixel height of the image that was analysed. */
  height: number;
  /** Faces, best first. */
  faces: VisionFace[];
  /** Body poses (MoveNet lightning finds at most one). */
  bodies: VisionBody[];
  /** Hand boxes (HandTrack), best first. */
  hands: ScoredBox[];
  /** CenterNet "person" detections after non-max suppression, best first. */
  persons: ScoredBox[];
  /** Other CenterNet detections (score ≥ 0.3, at most 5), best first: the subject when it is not a person. */
  objects: LabeledBox[];
  /** Union of the person evidence, or null when there is no person. */
  subject: Box | null;
  /** L2-normalised 720-d CenterNet/MobileNetV3 backbone embedding, when asked for. */
  embedding: Float32Array | null;
}
