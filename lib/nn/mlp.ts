/**
 * A ReLU multilayer perceptron trained through onnxruntime: forward and
 * backward passes are ONNX graphs, the loss and the optimiser run in
 * TypeScript on the (small) outputs.
 *
 * @module
 */
import { type FloatTensor, OrtSession } from "./_ort.ts";
import { buildBackward, buildForward, buildInference, type Layers } from "./_mlp_graphs.ts";
import { Adam, type AdamOptions } from "./adam.ts";
import { gaussian, mulberry32 } from "../random/mod.ts";
import { PhaseTimer } from "./phase_timer.ts";

/** Options for {@linkcode Mlp.create}. */
export interface MlpOptions {
  /** Seed for weight initialisation. */
  seed?: number;
  /** ORT intra-op threads (0 = default). */
  threads?: number;
  /** Initial bias of the output layer, per output. */
  outputBias?: number[];
  /** Where forward / loss / backward / optimiser time is added up (null: a new one). */
  timer?: PhaseTimer | null;
}

const defaults = {
  seed: 1,
  threads: 0,
  outputBias: [],
  timer: null,
} satisfies Required<MlpOptions>;

/** A loss evaluated on a batch's outputs: value and gradient w.r.t. outputs. */
export interface LossResult {
  loss: number;
  dY: Float32Array;
}

/**
 * A trainable MLP `[in, hidden..., out]` (ReLU between layers, linear output).
 *
 * @example
 * ```ts
 * const mlp = await Mlp.create([4, 8, 1], { seed: 1 });
 * const y = await mlp.predict(new Float32Array(4), 1);
 * mlp.dispose();
 * ```
 */
export class Mlp {
  /** Parameters `[W0, b0, W1, b1, ...]`, W row-major `[in, out]`. */
  readonly params: Float32Array[];
  /** Phase totals of this model's graph runs, losses and optimiser steps. */
  readonly timer: PhaseTimer;
  /** Rows pushed through the forward (training and predict) and backward graphs. */
  readonly rows = { forward: 0, backward: 0 };
  #packBuffers: Float32Array[] = [];
  #fwd: OrtSession;
  #bwd: OrtSession;
  // Feeds built once: parameters are updated in place, never replaced.
  #paramFeeds: Record<string, FloatTensor>;
  #bwdParamFeeds: Record<string, FloatTensor>;

  private constructor(
    readonly layers: Layers,
    params: Float32Array[],
    sessions: { fwd: OrtSession; bwd: OrtSession; timer: PhaseTimer },
  ) {
    this.params = params;
    this.timer = sessions.timer;
    this.#fwd = sessions.fwd;
    this.#bwd = sessions.bwd;
    this.#paramFeeds = {};
    this.#bwdParamFeeds = {};
    for (let l = 0; l < layers.length - 1; l++) {
      const w = { data: params[2 * l]!, dims: [layers[l]!, layers[l + 1]!] };
      this.#paramFeeds[`W${l}`] = w;
      this.#paramFeeds[`b${l}`] = { data: params[2 * l + 1]!, dims: [layers[l + 1]!] };
      if (l > 0) this.#bwdParamFeeds[`W${l}`] = w;
    }
  }

  /**
   * Build the graphs and initialise weights (He normal, zero bias).
   *
   * @param layers Layer widths.
   * @param options Seed, threads, output bias.
   * @returns The model.
   */
  static async create(layers: Layers, options: MlpOptions = {}): Promise<Mlp> {
    const o = { ...defaults, ...options };
    if (layers.length < 2) throw new RangeError(`Cannot create MLP: layers "${layers}" too short`);
    const rand = mulberry32(o.seed);
    const params: Float32Array[] = [];
    for (let l = 0; l < layers.length - 1; l++) {
      const fanIn = layers[l]!, fanOut = layers[l + 1]!;
      const std = Math.sqrt(2 / fanIn);
      params.push(new Float32Array(fanIn * fanOut).map(() => gaussian(rand) * std));
      const b = new Float32Array(fanOut);
      if (l === layers.length - 2) o.outputBias.forEach((v, i) => (b[i] = v));
      params.push(b);
    }
    const sopts = { threads: o.threads };
    const fwd = await OrtSession.create(buildForward(layers), sopts);
    const bwd = await OrtSession.create(buildBackward(layers), sopts);
    const timer = o.timer ?? new PhaseTimer();
    return new Mlp(layers, params, { fwd, bwd, timer });
  }

  /** Number of scalar parameters. */
  get size(): number {
    return this.params.reduce((s, p) => s + p.length, 0);
  }

  /** Outputs `[n, out]` for inputs `[n, in]` (already normalised). */
  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    const X = { data: x.subarray(0, n * this.layers[0]!), dims: [n, this.layers[0]!] };
    const res = await this.#fwd.run({ X, ...this.#paramFeeds }, ["Y"]);
    this.rows.forward += n;
    return res["Y"]!.data;
  }

  /**
   * Loss and parameter gradients for one batch.
   *
   * @param x Inputs `[n, in]`.
   * @param n Rows.
   * @param loss Loss on the outputs (returns dL/dY).
   * @returns Loss value and gradients in `params` order.
   */
  async gradients(
    x: Float32Array,
    n: number,
    loss: (y: Float32Array) => LossResult,
  ): Promise<{ loss: number; grads: Float32Array[] }> {
    const k = this.layers.length - 1, out = this.layers[k]!;
    const X = { data: x.subarray(0, n * this.layers[0]!), dims: [n, this.layers[0]!] };
    const t = this.timer;
    const fwd = await t.time("forward", () => this.#fwd.run({ X, ...this.#paramFeeds }));
    this.rows.forward += n;
    const { loss: value, dY } = t.timeSync("loss", () => loss(fwd["Y"]!.data));
    const inputs = [X.data, ...Array.from({ length: k - 1 }, (_, l) => fwd[`H${l + 1}`]!.data)];
    // Rows whose dY is all zero (a satisfied hinge) add nothing to any
    // gradient: when they are many, backward runs on the other rows only.
    const active = t.timeSync("compact", () => this.#compact(inputs, dY, n));
    const m = active ? active.rows : n;
    const rowsOf = active ? active.inputs : inputs;
    const dYm = active ? active.dY : dY.subarray(0, n * out);
    this.rows.backward += m;
    if (m === 0) return { loss: value, grads: this.params.map((p) => new Float32Array(p.length)) };
    const feeds: Record<string, FloatTensor> = { ...this.#bwdParamFeeds };
    feeds["X"] = { data: rowsOf[0]!, dims: [m, this.layers[0]!] };
    for (let l = 1; l < k; l++) feeds[`H${l}`] = { data: rowsOf[l]!, dims: [m, this.layers[l]!] };
    feeds["dY"] = { data: dYm, dims: [m, out] };
    const g = await t.time("backward", () => this.#bwd.run(feeds));
    const grads: Float32Array[] = [];
    for (let l = 0; l < k; l++) grads.push(g[`gW${l}`]!.data, g[`gb${l}`]!.data);
    return { loss: value, grads };
  }

  /**
   * Gather the rows with a non-zero dY (and their inputs and activations)
   * into reused buffers; null when more than 3/4 of the rows are active,
   * where the copy would cost more than the skipped backward work.
   */
  #compact(
    inputs: Float32Array[],
    dY: Float32Array,
    n: number,
  ): { rows: number; inputs: Float32Array[]; dY: Float32Array } | null {
    const out = this.layers[this.layers.length - 1]!;
    const keep: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < out; j++) {
        if (dY[r * out + j] !== 0) {
          keep.push(r);
          break;
        }
      }
    }
    if (keep.length * 4 > n * 3) return null;
    const m = keep.length;
    const widths = [...this.layers.slice(0, -1), out];
    const sources = [...inputs, dY];
    const packed = sources.map((src, i) => {
      const w = widths[i]!;
      let buf = this.#packBuffers[i];
      if (!buf || buf.length < m * w) buf = this.#packBuffers[i] = new Float32Array(n * w);
      keep.forEach((r, j) => buf.set(src.subarray(r * w, (r + 1) * w), j * w));
      return buf.subarray(0, m * w);
    });
    return { rows: m, inputs: packed.slice(0, -1), dY: packed.at(-1)! };
  }

  /** Make an AdamW optimiser for this model (biases are not decayed). */
  optimiser(options: AdamOptions = {}): Adam {
    const decayMask = this.params.map((_, i) => i % 2 === 0);
    return new Adam(this.params, { decayMask, ...options });
  }

  /** One optimiser step on a batch; returns the loss before the step. */
  async step(
    opt: Adam,
    x: Float32Array,
    n: number,
    loss: (y: Float32Array) => LossResult,
  ): Promise<number> {
    const { loss: value, grads } = await this.gradients(x, n, loss);
    this.timer.timeSync("optimiser", () => opt.step(this.params, grads));
    return value;
  }

  /** Copy of the parameters (for best-epoch snapshots). */
  snapshot(): Float32Array[] {
    return this.params.map((p) => p.slice());
  }

  /** Restore parameters from a snapshot. */
  restore(snap: Float32Array[]): void {
    snap.forEach((p, i) => this.params[i]!.set(p));
  }

  /** Self-contained inference ONNX (normalisation baked in). */
  toOnnx(mean: Float32Array, invStd: Float32Array): Uint8Array {
    return buildInference(this.layers, this.params, mean, invStd);
  }

  /** Release the ORT sessions. */
  async dispose(): Promise<void> {
    await this.#fwd.dispose();
    await this.#bwd.dispose();
  }
}

/**
 * A loaded inference ONNX model (`X [n, in] → Y [n, out]`).
 *
 * @example
 * ```ts
 * declare const bytes: Uint8Array, x: Float32Array;
 * const m = await OnnxModel.load(bytes, 8);
 * const y = await m.run(x, 1);
 * ```
 */
export class OnnxModel {
  #s: OrtSession;
  private constructor(s: OrtSession, readonly inputSize: number) {
    this.#s = s;
  }

  /** Load from bytes. */
  static async load(bytes: Uint8Array, inputSize: number): Promise<OnnxModel> {
    return new OnnxModel(await OrtSession.create(bytes, { threads: 1 }), inputSize);
  }

  /** Run on `n` raw (un-normalised) rows. */
  async run(x: Float32Array, n: number): Promise<Float32Array> {
    const r = await this.#s.run({ X: { data: x, dims: [n, this.inputSize] } }, ["Y"]);
    return r["Y"]!.data;
  }

  /** Release the session. */
  async dispose(): Promise<void> {
    await this.#s.dispose();
  }
}
