/**
 * The one adapter around `@vladmandic/human` and TensorFlow.js (wasm backend). It loads the
 * graph models shipped inside those npm packages from `node_modules` (never the network) and
 * exposes our own small types ({@linkcode VisionResult}), never tensors.
 *
 * @module
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Box } from "../types.ts";
import type { RawImage } from "../image/mod.ts";
import {
  COCO_LABELS,
  KEYPOINT_NAMES,
  type KeypointName,
  type LabeledBox,
  type ScoredBox,
  type VisionBody,
  type VisionFace,
  type VisionResult,
} from "./_types.ts";
import { clampBox, subjectBox } from "./subject_box.ts";
import { iou } from "../math/mod.ts";
import { BACKBONE_DIM } from "./vision_block.ts";
import { CenternetOrt, type CenternetRow } from "./_centernet.ts";
import { HandtrackOrt } from "./_handtrack.ts";
import { CENTERNET_SIDE } from "./_centernet_onnx.ts";
// deno-lint-ignore no-explicit-any
type Any = any;

/** Files the adapter needs, by the npm package that ships them. */
const REQUIRED: Record<string, string[]> = {
  "@vladmandic/human": [
    "@vladmandic/human/dist/human.node-wasm.js",
    ...["blazeface", "facemesh", "movenet-lightning", "handtrack", "centernet"].flatMap((m) => [
      `@vladmandic/human/models/${m}.json`,
      `@vladmandic/human/models/${m}.bin`,
    ]),
  ],
  "@tensorflow/tfjs-backend-wasm": [
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
    "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
  ],
  "@tensorflow/tfjs-converter": ["@tensorflow/tfjs-converter/package.json"],
  "@tensorflow/tfjs-core": ["@tensorflow/tfjs-core/package.json"],
  "onnxruntime-node": ["onnxruntime-node/package.json"],
};

/** Options for {@linkcode VisionModel.load}. */
export interface VisionModelOptions {
  /** The `node_modules` folder holding the packages (default: the repository's). */
  modulesDir?: string;
  /** Most faces reported per image. */
  maxFaces?: number;
  /** Most hands reported per image. */
  maxHands?: number;
  /** Minimum hand detector score (Human's default, 0.5). */
  minHandScore?: number;
  /** Images whose long side exceeds this are downscaled first (the models work at ≤ 512). */
  maxSide?: number;
  /** Minimum CenterNet person score reported (drawn and painted figures score 0.05-0.2). */
  minPersonScore?: number;
  /**
   * Folder for the CenterNet graph converted to ONNX (written on first use, ~8 MB). Default:
   * `<modulesDir>/.cache/keeper-vision`.
   */
  onnxCacheDir?: string;
}

/** Defaults of {@linkcode VisionModelOptions}. */
export const visionModelDefaults = {
  modulesDir: fileURLToPath(new URL("../../node_modules/", import.meta.url)),
  maxFaces: 5,
  maxHands: 4,
  minHandScore: 0.5,
  maxSide: 1024,
  minPersonScore: 0.05,
  onnxCacheDir: "",
} satisfies Required<VisionModelOptions>;

/** Options for {@linkcode VisionModel.analyze}. */
export interface AnalyzeOptions {
  /** Also return the 720-d backbone embedding (costs nothing extra: CenterNet runs anyway). */
  embedding?: boolean;
}

interface Engine {
  human: Any;
  tf: Any;
  centernet: CenternetOrt;
  hands: HandtrackOrt;
  /** Tail of the queue of analyses: Human keeps per-call state, so calls run one at a time. */
  queue: Promise<unknown>;
}

/** One engine per node_modules folder: Human keeps its models in module state. */
const engines = new Map<string, Promise<Engine>>();

/**
 * Face, body, hand and person detection plus a pretrained embedding, from the models bundled in
 * `@vladmandic/human` running on `@tensorflow/tfjs-backend-wasm`.
 *
 * @example
 * ```ts
 * import { readRaw } from "../image/mod.ts";
 * await using model = await VisionModel.load();
 * const result = await model.analyze(await readRaw("a.png", { channels: 3 }), { embedding: true });
 * ```
 */
export class VisionModel {
  #engine: Engine;
  #options: Required<VisionModelOptions>;
  #disposed = false;
  /** How many images went through the models (cache hits do not count). */
  modelCalls = 0;
  /**
   * Wall milliseconds spent in each model group, summed over calls (they overlap: Human runs on
   * the JS thread while CenterNet and HandTrack run on onnxruntime's threads).
   */
  readonly modelMs: { human: number; centernet: number; handtrack: number } = {
    human: 0,
    centernet: 0,
    handtrack: 0,
  };

  /** Use {@linkcode VisionModel.load}. */
  constructor(engine: Engine, options: Required<VisionModelOptions>) {
    this.#engine = engine;
    this.#options = options;
  }

  /**
   * Check that every model file is on disk, then load the models (once per process).
   *
   * @param options Where node_modules is, face count, size limit.
   * @returns A loaded model.
   * @throws Error naming the npm package to install when a file is missing.
   * @example
   * ```ts
   * const model = await VisionModel.load();
   * ```
   */
  static async load(options: VisionModelOptions = {}): Promise<VisionModel> {
    const o = { ...visionModelDefaults, ...options };
    const dir = o.modulesDir.endsWith("/") ? o.modulesDir : o.modulesDir + "/";
    await checkFiles(dir);
    let engine = engines.get(dir);
    if (!engine) {
      engine = startEngine(dir, o.maxFaces, o.onnxCacheDir || dir + ".cache/keeper-vision");
      engines.set(dir, engine);
      engine.catch(() => engines.delete(dir));
    }
    return new VisionModel(await engine, { ...o, modulesDir: dir });
  }

  /**
   * Run every model on one image. Concurrent calls are queued and run one at a time.
   *
   * @param raw Decoded pixels (1, 3 or 4 channels).
   * @param options Whether to return the backbone embedding.
   * @returns Normalised detections, the subject box and optionally the embedding.
   * @example
   * ```ts
   * import type { RawImage } from "../image/mod.ts";
   * declare const model: VisionModel, raw: RawImage;
   * const { faces, subject } = await model.analyze(raw);
   * ```
   */
  analyze(raw: RawImage, options: AnalyzeOptions = {}): Promise<VisionResult> {
    const run = this.#engine.queue.then(() => this.#analyze(raw, options));
    this.#engine.queue = run.catch(() => undefined);
    return run;
  }

  async #analyze(raw: RawImage, options: AnalyzeOptions): Promise<VisionResult> {
    if (this.#disposed) throw new Error("Cannot analyze image: the vision model was disposed");
    if (raw.data.length !== raw.width * raw.height * raw.channels || raw.width < 1) {
      throw new RangeError(
        `Cannot analyze image: ${raw.data.length} bytes do not match ${raw.width}x${raw.height}x${raw.channels}`,
      );
    }
    const { human, tf, centernet, hands } = this.#engine;
    this.modelCalls++;
    const o = this.#options;
    const rgb = rgbFloats(raw);
    const input = toTensor(tf, rgb, raw.width, raw.height, o.maxSide);
    try {
      // CenterNet and HandTrack run on onnxruntime's threads while Human runs on this one (wasm).
      const pixels = input.shape[1] === raw.height ? rgb : await input.data() as Float32Array;
      const [w, h] = [input.shape[2], input.shape[1]];
      const floor = Math.min(o.minPersonScore, OBJECT_SCORE);
      const ms = this.modelMs;
      const timed = <T>(key: keyof typeof ms, p: Promise<T>): Promise<T> => {
        const t0 = performance.now();
        return p.finally(() => ms[key] += performance.now() - t0);
      };
      const cn = timed("centernet", centernet.run(pixels, w, h, floor));
      const hn = timed(
        "handtrack",
        hands.run(pixels, w, h, { maxHands: o.maxHands, minScore: o.minHandScore }),
      );
      const settled = (): Promise<unknown> => Promise.allSettled([cn, hn]);
      const r = await timed<Any>("human", human.detect(input)).finally(settled);
      const [{ rows, embedding }, handBoxes] = await Promise.all([cn, hn]);
      if (r.error) throw new Error(`Cannot analyze image: Human says "${r.error}"`);
      const emb = options.embedding ? l2(embedding) : null;
      const partial = {
        width: raw.width,
        height: raw.height,
        faces: faces(r.face ?? []),
        bodies: bodies(r.body ?? []),
        hands: handBoxes,
        persons: persons(rows, o.minPersonScore),
        objects: objects(rows, OBJECT_SCORE, 5),
      };
      return { ...partial, subject: subjectBox(partial), embedding: emb };
    } finally {
      tf.dispose(input);
    }
  }

  /** Release this handle (the loaded models stay cached for the process). */
  dispose(): void {
    this.#disposed = true;
  }

  /** `await using` support. */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return Promise.resolve();
  }
}

/** Throw a clear error naming the package when a model or runtime file is missing. */
async function checkFiles(dir: string): Promise<void> {
  for (const [pkg, files] of Object.entries(REQUIRED)) {
    for (const f of files) {
      try {
        await Deno.stat(dir + f);
      } catch (cause) {
        throw new Error(
          `Cannot load vision models: "${dir + f}" is missing; install the npm package "${pkg}" ` +
            `(pinned in deno.json: run \`deno install\`)`,
          { cause },
        );
      }
    }
  }
}

async function startEngine(dir: string, maxFaces: number, onnxCacheDir: string): Promise<Engine> {
  const require = createRequire(dir + "@vladmandic/human/package.json");
  // Human's `exports` map is malformed for Deno: load its node-wasm build by path.
  const mod = require(dir + "@vladmandic/human/dist/human.node-wasm.js");
  const off = (): { enabled: false } => ({ enabled: false });
  const human = new mod.Human({
    backend: "wasm",
    wasmPath: dir + "@tensorflow/tfjs-backend-wasm/dist/",
    modelBasePath: pathToFileURL(dir + "@vladmandic/human/models/").href,
    debug: false,
    warmup: "none",
    // Every call is a different image: never reuse the previous frame's results.
    cacheSensitivity: 0,
    skipAllowed: false,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: maxFaces, minConfidence: 0.2 },
      mesh: { enabled: true },
      attention: off(),
      iris: off(),
      description: off(),
      emotion: off(),
      antispoof: off(),
      liveness: off(),
    },
    body: { enabled: true, modelPath: "movenet-lightning.json" },
    // HandTrack runs on onnxruntime (converted once). Human's own hand path returns nothing
    // unless its landmark model is loaded too, and its NMS loop costs ~150 ms in tfjs.
    hand: off(),
    // CenterNet runs on onnxruntime (converted once), detections and backbone pool in one pass.
    object: off(),
    gesture: off(),
    segmentation: off(),
    filter: off(),
  });
  const models = dir + "@vladmandic/human/models/";
  const [, , centernet, hands] = await Promise.all([
    human.load(),
    human.init(),
    CenternetOrt.load(models + "centernet.json", onnxCacheDir),
    HandtrackOrt.load(models + "handtrack.json", onnxCacheDir),
  ]);
  return { human, tf: human.tf, centernet, hands, queue: Promise.resolve() };
}

/** Pixels as RGB floats 0-255 (HWC), one pass in JS: no int32 tensor, no cast kernel. */
function rgbFloats(raw: RawImage): Float32Array {
  const n = raw.width * raw.height;
  const c = raw.channels;
  if (c === 3) return new Float32Array(raw.data);
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const r = raw.data[i * c]!;
    out[3 * i] = r;
    out[3 * i + 1] = c === 1 ? r : raw.data[i * c + 1]!;
    out[3 * i + 2] = c === 1 ? r : raw.data[i * c + 2]!;
  }
  return out;
}

function toTensor(tf: Any, rgb: Float32Array, width: number, height: number, maxSide: number): Any {
  return tf.tidy(() => {
    const t = tf.tensor4d(rgb, [1, height, width, 3], "float32");
    const side = Math.max(width, height);
    if (side <= maxSide) return t;
    const s = maxSide / side;
    const size = [Math.max(1, Math.round(height * s)), Math.max(1, Math.round(width * s))];
    return tf.image.resizeBilinear(t, size);
  });
}

/** Human's normalised `[x, y, w, h]` to our `[x1, y1, x2, y2]`. */
function xywh(b: unknown): Box {
  const [x = 0, y = 0, w = 0, h = 0] = Array.isArray(b) ? b.map(Number) : [];
  return clampBox([x, y, x + w, y + h]);
}

function byScore(a: { score: number }, b: { score: number }): number {
  return b.score - a.score;
}

function faces(list: Any[]): VisionFace[] {
  return list.map((f): VisionFace => ({
    box: xywh(f.boxRaw),
    score: Number(f.score ?? 0),
    detectorScore: Number(f.boxScore ?? 0),
    meshScore: Number(f.faceScore ?? 0),
  })).sort(byScore);
}

function bodies(list: Any[]): VisionBody[] {
  const names = new Set<string>(KEYPOINT_NAMES);
  return list
    .map((b): VisionBody => ({
      score: Number(b.score ?? 0),
      keypoints: (b.keypoints ?? [])
        .filter((k: Any) => names.has(k.part))
        .map((k: Any) => ({
          part: k.part as KeypointName,
          x: Number(k.positionRaw?.[0] ?? 0),
          y: Number(k.positionRaw?.[1] ?? 0),
          score: Number(k.score ?? 0),
        })),
    }))
    .filter((b) => b.keypoints.length > 0);
}

/** Lowest score of a non-person object reported. */
const OBJECT_SCORE = 0.3;

/** CenterNet rows `[x1, y1, x2, y2, score, class]` (512-px space) → person boxes after NMS. */
function persons(rows: CenternetRow[], minScore: number): ScoredBox[] {
  const cands = rows
    .filter((r) => r[5] === 0 && (r[4] ?? 0) >= minScore)
    .map((r): ScoredBox => ({
      box: clampBox([r[0]!, r[1]!, r[2]!, r[3]!].map((v) => v / CENTERNET_SIDE) as Box),
      score: Math.trunc(100 * r[4]!) / 100,
    }))
    .sort(byScore);
  const kept: ScoredBox[] = [];
  for (const c of cands) if (kept.every((k) => iou(k.box, c.box) < 0.5)) kept.push(c);
  return kept;
}

/** Non-person CenterNet rows → labelled boxes, NMS within each class, best `max` kept. */
function objects(rows: CenternetRow[], minScore: number, max: number): LabeledBox[] {
  const kept: LabeledBox[] = [];
  for (const r of rows) {
    const cls = r[5] ?? 0;
    const score = Math.trunc(100 * (r[4] ?? 0)) / 100;
    if (cls === 0 || score < minScore || !Number.isInteger(cls)) continue;
    const box = clampBox([r[0]!, r[1]!, r[2]!, r[3]!].map((v) => v / CENTERNET_SIDE) as Box);
    const label = COCO_LABELS[cls] ?? `class ${cls}`;
    if (kept.some((k) => k.label === label && iou(k.box, box) >= 0.5)) continue;
    kept.push({ box, score, label });
  }
  return kept.sort(byScore).slice(0, max);
}

function l2(v: Float32Array): Float32Array {
  if (v.length !== BACKBONE_DIM) {
    throw new RangeError(
      `Cannot read backbone embedding: got ${v.length} values, expected ${BACKBONE_DIM}`,
    );
  }
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}
