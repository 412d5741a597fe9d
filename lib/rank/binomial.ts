/**
 * Exact binomial confidence bounds (Clopper-Pearson) for a precision
 * measured on few sets: the auto-approve band is chosen on the bound, not
 * on the raw share right.
 *
 * @module
 */

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1, d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/**
 * The regularised incomplete beta function I_x(a, b).
 *
 * @param x Point in [0, 1].
 * @param a Positive shape.
 * @param b Positive shape.
 * @returns I_x(a, b) in [0, 1].
 * @example
 * ```ts
 * incompleteBeta(0.5, 2, 2); // 0.5
 * ```
 */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  // The continued fraction converges fast on the side below the mean.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * One-sided Clopper-Pearson lower bound of a binomial proportion: the
 * smallest p that is not rejected at level `alpha` after `k` successes in
 * `n` trials (the `alpha` quantile of Beta(k, n − k + 1)).
 *
 * @param k Successes (e.g. right picks in the band).
 * @param n Trials (picks in the band).
 * @param alpha One-sided error level (0.05 for a 95 % bound).
 * @returns The bound in [0, 1] (0 when k = 0 or n = 0).
 * @example
 * ```ts
 * clopperPearsonLower(100, 100, 0.05); // ≈ 0.9705 (= 0.05^(1/100))
 * ```
 */
export function clopperPearsonLower(k: number, n: number, alpha = 0.05): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) {
    throw new RangeError(`Cannot bound a proportion: k "${k}" of n "${n}"`);
  }
  if (k === 0 || n === 0) return 0;
  if (k === n) return Math.pow(alpha, 1 / n);
  // I_p(k, n − k + 1) rises with p: bisect for the alpha quantile.
  let lo = 0, hi = k / n;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, k, n - k + 1) < alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
