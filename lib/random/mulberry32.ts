/**
 * The one seeded random generator of the project (fixtures, splits,
 * initialisation, simulations of chance): mulberry32.
 *
 * @module
 */

/**
 * mulberry32: a small, fast, deterministic generator of numbers in [0, 1).
 *
 * @param seed Any integer.
 * @returns A function returning the next number.
 * @example
 * ```ts
 * const rand = mulberry32(1); rand(); // 0.627…
 * ```
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
