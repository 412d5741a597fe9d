/**
 * HandTrack on onnxruntime-node: the converted detector (`_handtrack_onnx.ts`, cached after the
 * first conversion) and the post-processing Human applies to it (best non-face class per
 * anchor, greedy NMS, box grown ×1.4 around its centre).
 *
 * @module
 */
import { OrtSession } from "../nn/mod.ts";
import type { Box } from "../types.ts";
import { iou } from "../math/mod.ts";
import type { ScoredBox } from "./_types.ts";
import { HANDTRACK_ONNX_VERSION, handtrackToOnnx } from "./_handtrack_onnx.ts";
import { loadOrConvert } from "./_onnx_cache.ts";
import type { CenternetLoadInfo } from "./_centernet.ts";

/** Human's HandTrack classes (score columns 1…7); "face" is ignored, as Human does. */
const FACE_CLASS = 4;
/** Human's `hand` defaults: NMS IoU, minimum score; its box growth factor. */
const IOU = 0.2;
const GROW = 1.4;
/** Human resizes to at most this many pixels (rounded to a multiple of 8) before the model. */
const MAX_INPUT = 512;

/** Options of {@linkcode HandtrackOrt.run}. */
export interface HandRunOptions {
  /** Most hands returned. */
  maxHands: number;
  /** Minimum detector score (strictly above, like tfjs NMS). */
  minScore: number;
}

/** The HandTrack detector running on onnxruntime-node. */
export class HandtrackOrt {
  /** How the model was obtained. */
  readonly info: CenternetLoadInfo;
  #session: OrtSession;

  private constructor(session: OrtSession, info: CenternetLoadInfo) {
    this.#session = session;
    this.info = info;
  }

  /**
   * Load the converted model from `cacheDir`, converting `modelJsonPath` first when missing.
   *
   * @param modelJsonPath Human's `handtrack.json`.
   * @param cacheDir Folder for the converted model.
   * @returns The model.
   */
  static async load(modelJsonPath: string, cacheDir: string): Promise<HandtrackOrt> {
    const m = await loadOrConvert(cacheDir, HANDTRACK_ONNX_VERSION, modelJsonPath, async () => ({
      bytes: await handtrackToOnnx(modelJsonPath),
      meta: {},
    }));
    const session = await OrtSession.create(m.bytes, { threads: 1 });
    return new HandtrackOrt(session, { cached: m.cached, converted: m.converted });
  }

  /**
   * Detect hands in an RGB image of any size (floats 0-255, HWC).
   *
   * @param pixels `height × width × 3` floats.
   * @param width Image width.
   * @param height Image height.
   * @param options Count and score limits.
   * @returns Normalised hand boxes, best first.
   */
  async run(
    pixels: Float32Array,
    width: number,
    height: number,
    options: HandRunOptions,
  ): Promise<ScoredBox[]> {
    const h = Math.min(Math.round(height / 8) * 8, MAX_INPUT);
    const w = Math.round((h * width) / height / 8) * 8;
    const out = await this.#session.run({
      image: { data: pixels, dims: [1, height, width, 3] },
      sizes: { data: Float32Array.of(1, 3, Math.max(8, h), Math.max(8, w)), dims: [4] },
    }, ["boxes", "scores"]);
    const boxes = out["boxes"]?.data;
    const scores = out["scores"];
    if (!boxes || !scores) throw new Error("Cannot run HandTrack: an output is missing");
    return handBoxes(boxes, scores.data, scores.dims[2] ?? 8, options);
  }

  /** Release the native session. */
  dispose(): Promise<void> {
    return this.#session.dispose();
  }
}

/**
 * Human's HandTrack post-processing: per anchor the best class other than background and
 * face, greedy NMS (IoU ≥ 0.2 suppresses, scores strictly above `minScore`, at most
 * `maxHands + 1` kept, as Human asks), boxes grown ×1.4 around their centre.
 *
 * @param boxes `[A, 4]` as `ymin, xmin, ymax, xmax`, normalised.
 * @param scores `[A, classes]` sigmoid scores, column 0 the background.
 * @param classes Columns per anchor.
 * @param options Count and score limits.
 * @returns Normalised `[x1, y1, x2, y2]` boxes with scores, best first.
 */
export function handBoxes(
  boxes: Float32Array,
  scores: Float32Array,
  classes: number,
  options: HandRunOptions,
): ScoredBox[] {
  const anchors = boxes.length / 4;
  const best: { i: number; score: number }[] = [];
  for (let i = 0; i < anchors; i++) {
    let s = -Infinity;
    for (let k = 1; k < classes; k++) {
      if (k - 1 !== FACE_CLASS) s = Math.max(s, scores[i * classes + k]!);
    }
    if (s > options.minScore) best.push({ i, score: s });
  }
  best.sort((a, b) => b.score - a.score || a.i - b.i);
  const kept: { i: number; score: number }[] = [];
  for (const c of best) {
    if (kept.length >= options.maxHands + 1) break;
    if (kept.every((k) => iou(cornersYx(boxes, k.i), cornersYx(boxes, c.i)) < IOU)) kept.push(c);
  }
  return kept.slice(0, options.maxHands).map(({ i, score }): ScoredBox => {
    const [y1 = 0, x1 = 0, y2 = 0, x2 = 0] = boxes.subarray(4 * i, 4 * i + 4);
    const cx = (x1 + x2) / 2;
    const cy = (y1 + y2) / 2;
    const hw = ((x2 - x1) * GROW) / 2;
    const hh = ((y2 - y1) * GROW) / 2;
    const box = [cx - hw, cy - hh, cx + hw, cy + hh].map((v) => Math.min(1, Math.max(0, v))) as Box;
    return { box, score: Math.round(100 * score) / 100 };
  });
}

/** Row `i` of `[ymin, xmin, ymax, xmax]` rows as an `[x1, y1, x2, y2]` box (tfjs: corners normalised by min/max). */
function cornersYx(b: Float32Array, i: number): Box {
  return [
    Math.min(b[4 * i + 1]!, b[4 * i + 3]!),
    Math.min(b[4 * i]!, b[4 * i + 2]!),
    Math.max(b[4 * i + 1]!, b[4 * i + 3]!),
    Math.max(b[4 * i]!, b[4 * i + 2]!),
  ];
}
