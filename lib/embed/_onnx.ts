/**
 * The image-encoder adapter: the only file of lib/embed that imports
 * onnxruntime-node. Takes and returns plain `Float32Array`s.
 *
 * @module
 */
import * as ort from "onnxruntime-node";

/** Options for {@linkcode OnnxSession.load}. */
export interface OnnxSessionOptions {
  /** Intra-op threads (0 = ORT's default, all cores). */
  threads?: number;
}

const defaults = { threads: 0 } satisfies Required<OnnxSessionOptions>;

/** One loaded ONNX model with a single float input and output. */
export class OnnxSession {
  #session: ort.InferenceSession;

  private constructor(session: ort.InferenceSession) {
    this.#session = session;
  }

  /**
   * Load model bytes.
   *
   * @param bytes Encoded ONNX model.
   * @param options Threads.
   * @returns The session.
   * @example
   * ```ts
   * const s = await OnnxSession.load(await Deno.readFile("clip.onnx"));
   * ```
   */
  static async load(bytes: Uint8Array, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
    const opts = { ...defaults, ...options };
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads, interOpNumThreads: 1 } : {}),
    });
    return new OnnxSession(session);
  }

  /** Graph input names. */
  get inputNames(): readonly string[] {
    return this.#session.inputNames;
  }

  /** Graph output names. */
  get outputNames(): readonly string[] {
    return this.#session.outputNames;
  }

  /**
   * Run with one float input; return one float output.
   *
   * @param input Input name, data and dims.
   * @param outputName Output to fetch.
   * @returns Output data and dims.
   * @example
   * ```ts
   * const { data } = await s.run({ name: "image", data: x, dims: [1, 3, 224, 224] }, "embedding");
   * ```
   */
  async run(
    input: { name: string; data: Float32Array; dims: number[] },
    outputName: string,
  ): Promise<{ data: Float32Array; dims: number[] }> {
    const feeds = { [input.name]: new ort.Tensor("float32", input.data, input.dims) };
    const out = await this.#session.run(feeds, [outputName]);
    const t = out[outputName];
    if (!t || !(t.data instanceof Float32Array)) {
      throw new TypeError(`Cannot run encoder: output "${outputName}" is missing or not float32`);
    }
    return { data: t.data, dims: [...t.dims] };
  }

  /** Release the native session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
