/**
 * Concatenation of feature blocks with per-block normalisation, so that no
 * block dominates by scale: the embedding is L2-normalised, the built-in
 * block is standardised with fixed documented scales and divided by
 * √(its length), pHash bits are mapped to ±1/8.
 *
 * @module
 */
import type { ImageFeatures } from "../types.ts";
import { phashBits } from "../image/mod.ts";
import { BUILTIN_FEATURE_NAMES } from "./builtin_features.ts";
import { l2normalize } from "../math/mod.ts";

/** Typical centre and spread of each built-in feature (on realistic AI PNGs). */
const CENTRE = new Float32Array([
  10.5,
  10.5,
  0,
  0.5,
  4,
  4,
  -1,
  0,
  0.3,
  0,
  0.45,
  0.22,
  0.01,
  0.01,
  0.05,
  0.35,
  0.02,
  -0.05,
  0.3,
  0.1,
  0,
  0,
  0.1,
  0,
  0.7,
]);
const SCALE = new Float32Array([
  1,
  1,
  0.5,
  1,
  2,
  2,
  1,
  1,
  0.3,
  0.5,
  0.15,
  0.08,
  0.05,
  0.05,
  0.15,
  0.2,
  0.05,
  0.08,
  0.15,
  0.1,
  0.1,
  0.5,
  0.1,
  0.1,
  0.3,
]);

/** Options for {@linkcode concatFeatures}. */
export interface ConcatFeaturesOptions {
  /** Blocks in order: "embedding", "builtin", "phash", or a name of `features.blocks`. */
  blocks?: string[];
  /** Weight per block name (default 1). */
  weights?: Record<string, number>;
}

const defaults = {
  blocks: ["embedding", "builtin"],
  weights: {} as Record<string, number>,
} satisfies Required<ConcatFeaturesOptions>;

/**
 * Build one vector from an image's feature blocks.
 *
 * @param features The image's features.
 * @param options Blocks and weights.
 * @returns The concatenated vector (a missing embedding contributes nothing;
 *   throws when a requested extra block is missing).
 * @example
 * ```ts
 * declare const f: Parameters<typeof concatFeatures>[0];
 * const v = concatFeatures(f, { blocks: ["embedding", "builtin"] });
 * ```
 */
export function concatFeatures(
  features: ImageFeatures,
  options: ConcatFeaturesOptions = {},
): Float32Array {
  const opts = { ...defaults, ...options };
  const parts: Float32Array[] = [];
  for (const name of opts.blocks) {
    const w = opts.weights[name] ?? 1;
    let v: Float32Array;
    if (name === "embedding") {
      if (!features.embedding) continue;
      v = l2normalize(features.embedding);
    } else if (name === "builtin") {
      const n = BUILTIN_FEATURE_NAMES.length;
      v = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const z = ((features.builtin[i] ?? 0) - CENTRE[i]!) / SCALE[i]!;
        v[i] = Math.max(-5, Math.min(5, z)) / Math.sqrt(n);
      }
    } else if (name === "phash") {
      v = phashBits(features.phash).map((b) => (b * 2 - 1) / 8);
    } else {
      const block = features.blocks?.[name];
      if (!block) throw new RangeError(`Cannot concatenate: block "${name}" is missing`);
      v = l2normalize(block);
    }
    parts.push(w === 1 ? v : v.map((x) => x * w));
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
