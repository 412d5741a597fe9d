/**
 * Seeded splits by group key: every record of a group (its set and its
 * crop) lands on the same side. Also leave-one-project-out folds.
 *
 * @module
 */

/** Which side of a split. */
export type SplitPart = "train" | "val" | "test";

/** Options for {@linkcode splitOf}. */
export interface SplitOptions {
  seed?: number;
  val?: number;
  test?: number;
}

const defaults = { seed: 1, val: 0.15, test: 0.15 } satisfies Required<SplitOptions>;

function hash01(key: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * The split part of a group key (stable for a seed, independent of order).
 *
 * @param key Group key (e.g. project + group id).
 * @param options Seed and fractions.
 * @returns "train", "val" or "test".
 * @example
 * ```ts
 * splitOf("mojo1/group_12", { seed: 1 });
 * ```
 */
export function splitOf(key: string, options: SplitOptions = {}): SplitPart {
  const o = { ...defaults, ...options };
  const u = hash01(key, o.seed);
  return u < o.test ? "test" : u < o.test + o.val ? "val" : "train";
}

/**
 * Partition items by the split part of their key.
 *
 * @param items Records.
 * @param key Group key of a record.
 * @param options Seed and fractions.
 * @returns Train, validation and test lists.
 * @example
 * ```ts
 * declare const groups: { id: string }[];
 * const { train, val, test } = splitBy(groups, (g) => g.id, { seed: 2 });
 * ```
 */
export function splitBy<T>(
  items: readonly T[],
  key: (item: T) => string,
  options: SplitOptions = {},
): Record<SplitPart, T[]> {
  const out: Record<SplitPart, T[]> = { train: [], val: [], test: [] };
  for (const item of items) out[splitOf(key(item), options)].push(item);
  return out;
}
