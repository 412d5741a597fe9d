/**
 * The onnxruntime-node adapter: the only file of keeper that imports onnxruntime-node (the
 * trained heads here, the image encoder in lib/embed and the detectors in lib/vision all run
 * through it). Exposes plain `Float32Array` + dims tensors, never `ort.Tensor`.
 *
 * @module
 */
import * as ort from "onnxruntime-node";

/** A dense float tensor. */
export interface FloatTensor {
  data: Float32Array;
  dims: number[];
}

/** Options for {@linkcode OrtSession.create}. */
export interface OrtSessionOptions {
  /** Intra-op threads (0 = ORT's default: all cores). */
  threads?: number;
  /**
   * Let idle intra-op threads spin-wait for the next parallel section. Off
   * by default: on a shared, overloaded machine spinning burns the CPU the
   * other threads need (see docs/design_notes.md, lib/nn).
   */
  spinning?: boolean;
  /** Inter-op threads (0 = ORT's default). Sessions run sequentially, so this rarely matters. */
  interOpThreads?: number;
}

const defaults = { threads: 0, spinning: false, interOpThreads: 0 } satisfies Required<
  OrtSessionOptions
>;

/** An ONNX Runtime session over model bytes. */
export class OrtSession {
  #session: ort.InferenceSession;

  private constructor(session: ort.InferenceSession) {
    this.#session = session;
  }

  /**
   * Load a session from model bytes.
   *
   * @param bytes Encoded ONNX model.
   * @param options Thread count.
   * @returns The session.
   * @example
   * ```ts
   * declare const bytes: Uint8Array;
   * const s = await OrtSession.create(bytes);
   * ```
   */
  static async create(bytes: Uint8Array, options: OrtSessionOptions = {}): Promise<OrtSession> {
    const opts = { ...defaults, ...options };
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
      ...(opts.interOpThreads > 0 ? { interOpNumThreads: opts.interOpThreads } : {}),
      extra: { session: { intra_op: { allow_spinning: opts.spinning ? "1" : "0" } } },
    });
    return new OrtSession(session);
  }

  /** Names of the graph inputs. */
  get inputNames(): readonly string[] {
    return this.#session.inputNames;
  }

  /** Names of the graph outputs. */
  get outputNames(): readonly string[] {
    return this.#session.outputNames;
  }

  /**
   * Run the graph.
   *
   * @param feeds Input tensors by name.
   * @param outputs Output names to fetch (default all).
   * @returns Output tensors by name.
   */
  async run(
    feeds: Record<string, FloatTensor>,
    outputs?: string[],
  ): Promise<Record<string, FloatTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) {
      ortFeeds[k] = new ort.Tensor("float32", t.data, t.dims);
    }
    const res = outputs
      ? await this.#session.run(ortFeeds, outputs)
      : await this.#session.run(ortFeeds);
    const out: Record<string, FloatTensor> = {};
    for (const [k, t] of Object.entries(res)) {
      out[k] = { data: t.data as Float32Array, dims: [...t.dims] };
    }
    return out;
  }

  /**
   * Run with one float input and fetch one float output.
   *
   * @param inputName Graph input to feed.
   * @param input Its data and dims.
   * @param outputName Graph output to fetch.
   * @returns The output's data and dims.
   * @example
   * ```ts
   * const session = await OrtSession.create(await Deno.readFile("clip.onnx"));
   * const x = { data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] };
   * const { data } = await session.runOne("image", x, "embedding");
   * ```
   */
  async runOne(inputName: string, input: FloatTensor, outputName: string): Promise<FloatTensor> {
    const feeds = { [inputName]: new ort.Tensor("float32", input.data, input.dims) };
    const out = await this.#session.run(feeds, [outputName]);
    const t = out[outputName];
    if (!t || !(t.data instanceof Float32Array)) {
      throw new TypeError(
        `Cannot run ONNX model: output "${outputName}" is missing or not float32`,
      );
    }
    return { data: t.data, dims: [...t.dims] };
  }

  /** Release the native session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
