/**
 * Draws from a seeded generator (shuffles, normal samples) so training and splits are
 * reproducible.
 *
 * @module
 */

/**
 * Fisher-Yates shuffle in place with a seeded generator.
 *
 * @param items Array to shuffle.
 * @param rand Generator from {@linkcode mulberry32}.
 * @returns The same array.
 * @example
 * ```ts
 * import { mulberry32 } from "./mulberry32.ts";
 * shuffle([1, 2, 3], mulberry32(7));
 * ```
 */
export function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i]!;
    items[i] = items[j]!;
    items[j] = t;
  }
  return items;
}

/** A standard normal sample (Box-Muller). */
export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
