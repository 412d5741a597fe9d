/**
 * Pure vector helpers shared by training and inference. `l2normalize` is THE
 * normalisation of encoder outputs: embedders call it, and training code must
 * call the same function (no train/serve skew). `cosine` / `cosineDistance` compare
 * embeddings (grouping, ranking features); `median` summarises measurements.
 *
 * @module
 */

/**
 * L2-normalise a vector (a copy; zero vectors stay zero).
 *
 * @param v Input vector.
 * @returns A unit-length copy.
 * @example
 * ```ts
 * l2normalize(new Float32Array([3, 4])); // Float32Array [0.6, 0.8]
 * ```
 */
export function l2normalize(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) * (v[i] as number);
  const out = new Float32Array(v.length);
  if (!(s > 0) || !Number.isFinite(s)) return out;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv;
  return out;
}

/**
 * Cosine similarity (0 when either vector is zero).
 *
 * @param a First vector.
 * @param b Second vector (same length).
 * @returns Similarity in [-1, 1].
 * @example
 * ```ts
 * cosine(new Float32Array([1, 0]), new Float32Array([1, 1])); // ≈ 0.7071
 * ```
 */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot compare vectors: lengths ${a.length} and ${b.length} differ`);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Cosine distance `1 − cosine` (0 when either vector is zero: no evidence of a difference).
 *
 * @param a First vector.
 * @param b Second vector (same length).
 * @returns Distance in [0, 2].
 * @example
 * ```ts
 * cosineDistance(new Float32Array([1, 0]), new Float32Array([0, 1])); // 1
 * ```
 */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`Cannot compare vectors: lengths ${a.length} and ${b.length} differ`);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? 1 - dot / Math.sqrt(na * nb) : 0;
}

/**
 * Median of a list (the mean of the middle two for an even count; 0 for an empty list).
 *
 * @param values Numbers, in any order (not modified).
 * @returns The median.
 * @example
 * ```ts
 * median([3, 1, 2, 10]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
