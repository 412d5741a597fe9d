/**
 * The only file of keeper's training code that imports onnxruntime-node.
 * Exposes plain `Float32Array` + dims tensors, never `ort.Tensor`.
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
   * other threads need (see ARCHITECTURE.md, lib/nn).
   */
  spinning?: boolean;
}

const defaults = { threads: 0, spinning: false } satisfies Required<OrtSessionOptions>;

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
   * const s = await OrtSession.create(bytes);
   * ```
   */
  static async create(bytes: Uint8Array, options: OrtSessionOptions = {}): Promise<OrtSession> {
    const opts = { ...defaults, ...options };
    const session = await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      ...(opts.threads > 0 ? { intraOpNumThreads: opts.threads } : {}),
      extra: { session: { intra_op: { allow_spinning: opts.spinning ? "1" : "0" } } },
    });
    return new OrtSession(session);
  }

  /** Names of the graph inputs. */
  get inputNames(): readonly string[] {
    return this.#session.inputNames;
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

  /** Release the native session. */
  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
