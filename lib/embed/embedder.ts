/**
 * The `Embedder` interface and its ONNX implementation: batches of RGB
 * squares (CLIP geometry) in, L2-normalised vectors out.
 *
 * @module
 */
import type { RawImage } from "../image/mod.ts";
import { OrtSession } from "../nn/mod.ts";
import { type EncoderConfig, loadEncoderConfig, PREPROCESS_VERSION } from "./encoder_config.ts";
import { writeEncoderInput } from "./preprocess.ts";
import { l2normalize } from "../math/mod.ts";
import { sha256Hex } from "../fs/mod.ts";

/** Anything that turns preprocessed squares into unit vectors. */
export interface Embedder {
  /** Identity for the cache: model bytes hash + config + preprocessing version. */
  readonly id: string;
  /** Output dimension. */
  readonly dim: number;
  /** The configuration (input side, mean/std). */
  readonly config: EncoderConfig;
  /**
   * Embed RGB squares of side `config.input_size`.
   *
   * @param squares The squares (from `decodeOnce`).
   * @returns One L2-normalised vector per square.
   */
  embed(squares: RawImage[]): Promise<Float32Array[]>;
  /** Release native resources. */
  dispose(): Promise<void>;
}

/** Options for {@linkcode OnnxEmbedder.load}. */
export interface OnnxEmbedderOptions {
  /** Intra-op threads (0 = all cores). */
  threads?: number;
}

const defaults = { threads: 0 } satisfies Required<OnnxEmbedderOptions>;

/**
 * Cache identity of an encoder.
 *
 * @param modelSha256 Hash of the model file bytes.
 * @param config The encoder config.
 * @returns A short stable id (`onnx-<24 hex>`).
 * @example
 * ```ts
 * import { CLIP_DEFAULTS } from "./encoder_config.ts";
 * encoderIdentity("ab…", CLIP_DEFAULTS);
 * ```
 */
export function encoderIdentity(modelSha256: string, config: EncoderConfig): string {
  const keys = Object.keys(config).sort();
  const canon = JSON.stringify(config, keys);
  return `onnx-${sha256Hex(`${modelSha256}\n${canon}\n${PREPROCESS_VERSION}`).slice(0, 24)}`;
}

/** ONNX image encoder (OpenCLIP export or any `[N,3,S,S] → [N,D]` model). */
export class OnnxEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  readonly config: EncoderConfig;
  #session: OrtSession;

  private constructor(session: OrtSession, config: EncoderConfig, id: string) {
    this.#session = session;
    this.config = config;
    this.dim = config.dim;
    this.id = id;
  }

  /**
   * Load a model file and its config (a path or an already parsed config).
   *
   * @param modelPath ONNX file.
   * @param config Config JSON path or object.
   * @param options Threads.
   * @returns The embedder.
   * @example
   * ```ts
   * await using e = await OnnxEmbedder.load("clip.onnx", "clip.json");
   * ```
   */
  static async load(
    modelPath: string,
    config: string | EncoderConfig,
    options: OnnxEmbedderOptions = {},
  ): Promise<OnnxEmbedder> {
    const opts = { ...defaults, ...options };
    const cfg = typeof config === "string" ? await loadEncoderConfig(config) : config;
    const bytes = await Deno.readFile(modelPath);
    const sha = sha256Hex(bytes);
    // Spinning and one inter-op thread when threads are set: how the encoder session always ran.
    const session = await OrtSession.create(bytes, {
      threads: opts.threads,
      spinning: true,
      interOpThreads: opts.threads > 0 ? 1 : 0,
    });
    if (!session.inputNames.includes(cfg.input_name)) {
      throw new TypeError(
        `Cannot use encoder "${modelPath}": input "${cfg.input_name}" not in model ` +
          `(has: ${session.inputNames.join(", ")}); set "input_name" in the config`,
      );
    }
    if (!session.outputNames.includes(cfg.output_name)) {
      throw new TypeError(
        `Cannot use encoder "${modelPath}": output "${cfg.output_name}" not in model ` +
          `(has: ${session.outputNames.join(", ")}); set "output_name" in the config`,
      );
    }
    return new OnnxEmbedder(session, cfg, encoderIdentity(sha, cfg));
  }

  /** {@inheritDoc Embedder.embed} */
  async embed(squares: RawImage[]): Promise<Float32Array[]> {
    return (await this.embedRaw(squares)).map((v) => l2normalize(v));
  }

  /**
   * The model's raw outputs, before {@linkcode l2normalize}: what the
   * original tool saved to its `.npy` cache (`encode_image` unnormalised).
   * Used to write original-style caches (simulator, tests); keeper itself
   * always uses {@linkcode OnnxEmbedder.embed}.
   *
   * @param squares RGB squares of side `config.input_size`.
   * @returns One raw vector per square.
   * @example
   * ```ts
   * import type { RawImage } from "../image/mod.ts";
   * declare const embedder: OnnxEmbedder, square: RawImage;
   * const [raw] = await embedder.embedRaw([square]);
   * ```
   */
  async embedRaw(squares: RawImage[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const s = this.config.input_size;
    for (let start = 0; start < squares.length; start += this.config.max_batch) {
      const chunk = squares.slice(start, start + this.config.max_batch);
      const input = new Float32Array(chunk.length * 3 * s * s);
      chunk.forEach((sq, i) => writeEncoderInput(sq, input, i, this.config));
      const res = await this.#session.runOne(
        this.config.input_name,
        { data: input, dims: [chunk.length, 3, s, s] },
        this.config.output_name,
      );
      const dim = res.dims[res.dims.length - 1] ?? 0;
      if (dim !== this.dim || res.data.length !== chunk.length * dim) {
        throw new RangeError(
          `Cannot embed: model output has shape [${
            res.dims.join(", ")
          }], expected [${chunk.length}, ${this.dim}]`,
        );
      }
      for (let i = 0; i < chunk.length; i++) {
        out.push(res.data.slice(i * dim, (i + 1) * dim));
      }
    }
    return out;
  }

  /** {@inheritDoc Embedder.dispose} */
  async dispose(): Promise<void> {
    await this.#session.dispose();
  }

  /** `await using` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
