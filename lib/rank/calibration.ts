/**
 * Softmax over a group's scores and temperature fitting (minimum
 * validation negative log-likelihood).
 *
 * @module
 */

/**
 * Softmax of `scores / temperature`.
 *
 * @param scores Raw scores.
 * @param temperature Positive temperature.
 * @returns Probabilities summing to 1.
 * @example
 * ```ts
 * softmax([0, 0], 1); // [0.5, 0.5]
 * ```
 */
export function softmax(scores: readonly number[], temperature = 1): number[] {
  const t = Math.max(temperature, 1e-6);
  const m = Math.max(...scores);
  const e = scores.map((s) => Math.exp((s - m) / t));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/** Mean negative log-likelihood of the chosen members at a temperature. */
export function groupNll(
  groups: { scores: readonly number[]; chosen: number }[],
  temperature: number,
): number {
  if (groups.length === 0) return 0;
  let s = 0;
  for (const g of groups) s -= Math.log(Math.max(softmax(g.scores, temperature)[g.chosen]!, 1e-12));
  return s / groups.length;
}

/**
 * The temperature in [0.05, 20] minimising validation NLL (log-grid search,
 * then golden-section refinement).
 *
 * @param groups Validation groups with raw scores and the true choice.
 * @returns The fitted temperature (1 when there are no groups).
 * @example
 * ```ts
 * fitTemperature([{ scores: [2, 0], chosen: 0 }]);
 * ```
 */
export function fitTemperature(groups: { scores: readonly number[]; chosen: number }[]): number {
  if (groups.length === 0) return 1;
  let best = 1, bestNll = Infinity;
  for (let k = -30; k <= 30; k++) {
    const t = Math.exp(k * 0.1);
    const nll = groupNll(groups, t);
    if (nll < bestNll) [best, bestNll] = [t, nll];
  }
  let lo = Math.log(best) - 0.1, hi = Math.log(best) + 0.1;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 30; i++) {
    const a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
    if (groupNll(groups, Math.exp(a)) < groupNll(groups, Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.min(20, Math.max(0.05, Math.exp((lo + hi) / 2)));
}
