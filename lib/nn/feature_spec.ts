/**
 * Which per-image feature blocks a model reads, and how an image's
 * {@linkcode ImageFeatures} becomes one dense vector in that layout.
 *
 * @module
 */
import type { ImageFeatures } from "../types.ts";

/** Layout of an image vector: sizes of the blocks, in order (0 = unused). */
export interface FeatureSpec {
  builtin: number;
  embedding: number;
  blocks: { name: string; size: number }[];
}

/** Which blocks to use; `"builtin"`, `"embedding"` or a `blocks` name. */
export type FeatureNames = readonly string[];

/**
 * Read block sizes from sample features (first non-empty occurrence).
 *
 * @param samples Features of training images.
 * @param names Blocks to use (e.g. `["builtin", "embedding"]`).
 * @returns The spec (sizes 0 for blocks that never occur).
 * @example
 * ```ts
 * declare const features: Parameters<typeof inferFeatureSpec>[0];
 * inferFeatureSpec(features, ["builtin"]);
 * ```
 */
export function inferFeatureSpec(
  samples: Iterable<ImageFeatures>,
  names: FeatureNames,
): FeatureSpec {
  const spec: FeatureSpec = { builtin: 0, embedding: 0, blocks: [] };
  const extra = names.filter((n) => n !== "builtin" && n !== "embedding");
  const sizes = new Map<string, number>();
  for (const f of samples) {
    if (names.includes("builtin")) spec.builtin = Math.max(spec.builtin, f.builtin.length);
    if (names.includes("embedding") && f.embedding) {
      spec.embedding = Math.max(spec.embedding, f.embedding.length);
    }
    for (const n of extra) {
      const b = f.blocks?.[n];
      if (b) sizes.set(n, Math.max(sizes.get(n) ?? 0, b.length));
    }
  }
  spec.blocks = extra.map((name) => ({ name, size: sizes.get(name) ?? 0 }));
  return spec;
}

/** Total vector length of a spec. */
export function specSize(spec: FeatureSpec): number {
  return spec.builtin + spec.embedding + spec.blocks.reduce((s, b) => s + b.size, 0);
}

/**
 * Concatenate an image's blocks in spec order into `out` at `offset`
 * (missing blocks are zeros).
 *
 * @param f The image's features.
 * @param spec Layout.
 * @param out Destination.
 * @param offset Start index in `out`.
 * @returns The index after the written values.
 * @example
 * ```ts
 * type Args = Parameters<typeof writeImageVector>;
 * declare const f: Args[0], spec: Args[1], row: Args[2];
 * writeImageVector(f, spec, row, 0);
 * ```
 */
export function writeImageVector(
  f: ImageFeatures,
  spec: FeatureSpec,
  out: Float32Array,
  offset: number,
): number {
  let o = offset;
  const put = (src: Float32Array | null | undefined, size: number) => {
    if (src) out.set(src.subarray(0, size), o);
    o += size;
  };
  put(f.builtin, spec.builtin);
  put(f.embedding, spec.embedding);
  for (const b of spec.blocks) put(f.blocks?.[b.name], b.size);
  return o;
}

/**
 * Per-column mean and inverse standard deviation of row-major data
 * (constant columns get `invStd = 0`: ignored where they vary later).
 *
 * @param x Rows `[n, d]`.
 * @param n Row count.
 * @param d Columns.
 * @returns Mean and inverse std.
 * @example
 * ```ts
 * declare const x: Float32Array;
 * const { mean, invStd } = standardiser(x, 10, 3);
 * ```
 */
export function standardiser(
  x: Float32Array,
  n: number,
  d: number,
): { mean: Float32Array; invStd: Float32Array } {
  const mean = new Float64Array(d), sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      mean[j]! += v;
      sq[j]! += v * v;
    }
  }
  const m = new Float32Array(d), inv = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const mu = n > 0 ? mean[j]! / n : 0;
    const variance = n > 0 ? sq[j]! / n - mu * mu : 0;
    m[j] = mu;
    // A column constant in training carries nothing the model learned from: it is zeroed, so a
    // value it never saw there (pixel columns of a model trained on embeddings-only history, met
    // at decide time on images with pixels) cannot reach untrained weights.
    inv[j] = variance > 1e-10 ? 1 / Math.sqrt(variance) : 0;
  }
  return { mean: m, invStd: inv };
}

/**
 * Apply a standardiser to rows in place.
 *
 * @param x Rows `[n, d]`.
 * @param d Columns.
 * @param norm From {@linkcode standardiser}.
 * @returns `x`.
 * @example
 * ```ts
 * declare const x: Float32Array;
 * applyStandardiser(x, 3, standardiser(x, 10, 3));
 * ```
 */
export function applyStandardiser(
  x: Float32Array,
  d: number,
  norm: { mean: Float32Array; invStd: Float32Array },
): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const j = i % d;
    x[i] = (x[i]! - norm.mean[j]!) * norm.invStd[j]!;
  }
  return x;
}
