/**
 * CenterNet on onnxruntime-node: the converted graph (`_centernet_onnx.ts`), cached on disk after
 * the first conversion, and the JavaScript decoding of its head (top-k peaks → boxes).
 *
 * @module
 */
import { OrtSession } from "../nn/mod.ts";
import {
  CENTERNET_CLASSES,
  CENTERNET_GRID,
  CENTERNET_ONNX_VERSION,
  centernetToOnnx,
} from "./_centernet_onnx.ts";
import { loadOrConvert } from "./_onnx_cache.ts";

/** Most detections decoded per image (the tfjs graph's TopK k). */
const TOP_K = 100;

/** One detection `[x1, y1, x2, y2, score, class]` in 512-px space (the tfjs graph's row). */
export type CenternetRow = [number, number, number, number, number, number];

/** What one run returns. */
export interface CenternetOutput {
  /** Detections at or above the score floor, best first, at most 100. */
  rows: CenternetRow[];
  /** The backbone's global average pool (720 values, not normalised). */
  embedding: Float32Array;
}

/** Where the converted model is cached and whether a conversion happened in this load. */
export interface CenternetLoadInfo {
  /** Path of the cached `.onnx` (null when the cache folder could not be written). */
  cached: string | null;
  /** True when this load converted the tfjs graph (no cached file was found). */
  converted: boolean;
}

/** CenterNet/MobileNetV3 running on onnxruntime-node. */
export class CenternetOrt {
  /** How the model was obtained. */
  readonly info: CenternetLoadInfo;
  #session: OrtSession;
  #decode: [number, number, number, number];

  private constructor(
    session: OrtSession,
    decode: [number, number, number, number],
    info: CenternetLoadInfo,
  ) {
    this.#session = session;
    this.#decode = decode;
    this.info = info;
  }

  /**
   * Load the converted model from `cacheDir`, converting `modelJsonPath` first when missing.
   *
   * @param modelJsonPath Human's `centernet.json`.
   * @param cacheDir Folder for the converted model (created when missing; unwritable is fine).
   * @returns The model.
   */
  static async load(modelJsonPath: string, cacheDir: string): Promise<CenternetOrt> {
    const m = await loadOrConvert(cacheDir, CENTERNET_ONNX_VERSION, modelJsonPath, async () => {
      const { bytes, decode } = await centernetToOnnx(modelJsonPath);
      return { bytes, meta: { decode } };
    });
    const decode = m.meta.decode;
    if (!Array.isArray(decode) || decode.length !== 4) {
      throw new Error(`Cannot load CenterNet: "${m.cached}" has no decode constants; delete it`);
    }
    // One intra-op thread: the tfjs models run beside it on the other core.
    const session = await OrtSession.create(m.bytes, { threads: 1 });
    return new CenternetOrt(session, decode, { cached: m.cached, converted: m.converted });
  }

  /**
   * Run on an RGB image of any size (floats 0-255, HWC); the graph resizes it to 512².
   *
   * @param pixels `height × width × 3` floats.
   * @param width Image width.
   * @param height Image height.
   * @param minScore Detections below this score are dropped.
   * @returns Detections and the pooled embedding.
   */
  async run(
    pixels: Float32Array,
    width: number,
    height: number,
    minScore: number,
  ): Promise<CenternetOutput> {
    const out = await this.#session.run(
      { image: { data: pixels, dims: [1, height, width, 3] } },
      ["peaks", "wh", "embedding"],
    );
    const peaks = out["peaks"]?.data;
    const wh = out["wh"]?.data;
    const embedding = out["embedding"]?.data;
    if (!peaks || !wh || !embedding) throw new Error("Cannot run CenterNet: an output is missing");
    return { rows: decodeRows(peaks, wh, this.#decode, minScore), embedding };
  }

  /** Release the native session. */
  dispose(): Promise<void> {
    return this.#session.dispose();
  }
}

/**
 * The tfjs graph's decoding: the 100 best 3×3 peaks (ties by HWC index, as TopK), box = cell ×
 * stride ∓ wh; rows below `minScore` dropped.
 */
export function decodeRows(
  peaks: Float32Array,
  wh: Float32Array,
  decode: readonly number[],
  minScore: number,
): CenternetRow[] {
  const G = CENTERNET_GRID;
  const plane = G * G;
  const cands: { score: number; index: number; cell: number; cls: number }[] = [];
  for (let cls = 0; cls < CENTERNET_CLASSES; cls++) {
    const base = cls * plane;
    for (let cell = 0; cell < plane; cell++) {
      const score = peaks[base + cell]!;
      if (score >= minScore) {
        cands.push({ score, index: cell * CENTERNET_CLASSES + cls, cell, cls });
      }
    }
  }
  cands.sort((a, b) => b.score - a.score || a.index - b.index);
  const [m3 = 4, m4 = 4, m5 = 4, m6 = 4] = decode;
  return cands.slice(0, TOP_K).map(({ score, cell, cls }): CenternetRow => {
    const x = cell % G;
    const y = Math.floor(cell / G);
    return [
      x * m3 - wh[cell]!,
      y * m4 - wh[plane + cell]!,
      x * m5 + wh[2 * plane + cell]!,
      y * m6 + wh[3 * plane + cell]!,
      score,
      cls,
    ];
  });
}
