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

/** Options for {@linkcode fitTemperature}. */
export interface FitTemperatureOptions {
  /**
   * Standard deviation of a normal prior on log(temperature) around 1
   * (Infinity: plain minimum NLL). With it a perfect validation set cannot
   * drive the temperature to 0 (every pick "certain"), nor a hopeless one to
   * 20: the prior adds (log T)² / (2 sd²) to the summed NLL, so it only
   * matters where the data say little.
   */
  priorSd?: number;
}

const temperatureDefaults = { priorSd: 1 } satisfies Required<FitTemperatureOptions>;

/**
 * Penalised objective of {@linkcode fitTemperature}: summed NLL plus the prior term.
 *
 * @param groups Scored groups.
 * @param temperature Temperature.
 * @param priorSd Prior standard deviation of log T.
 * @returns The objective.
 * @example
 * ```ts
 * temperatureObjective([{ scores: [2, 0], chosen: 0 }], 1, 1);
 * ```
 */
export function temperatureObjective(
  groups: { scores: readonly number[]; chosen: number }[],
  temperature: number,
  priorSd: number,
): number {
  const prior = Number.isFinite(priorSd) ? Math.log(temperature) ** 2 / (2 * priorSd ** 2) : 0;
  return groupNll(groups, temperature) * groups.length + prior;
}

/**
 * The temperature in [0.05, 20] minimising validation NLL under a prior on
 * log T (log-grid search, then golden-section refinement).
 *
 * @param groups Validation groups with raw scores and the true choice.
 * @param options Prior strength.
 * @returns The fitted temperature (1 when there are no groups).
 * @example
 * ```ts
 * fitTemperature([{ scores: [2, 0], chosen: 0 }]); // stays near 1: one group says little
 * ```
 */
export function fitTemperature(
  groups: { scores: readonly number[]; chosen: number }[],
  options: FitTemperatureOptions = {},
): number {
  const o = { ...temperatureDefaults, ...options };
  if (groups.length === 0) return 1;
  const f = (t: number) => temperatureObjective(groups, t, o.priorSd);
  let best = 1, bestF = Infinity;
  for (let k = -30; k <= 30; k++) {
    const t = Math.exp(k * 0.1);
    const v = f(t);
    if (v < bestF) [best, bestF] = [t, v];
  }
  let lo = Math.log(best) - 0.1, hi = Math.log(best) + 0.1;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 30; i++) {
    const a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
    if (f(Math.exp(a)) < f(Math.exp(b))) hi = b;
    else lo = a;
  }
  return Math.min(20, Math.max(0.05, Math.exp((lo + hi) / 2)));
}
