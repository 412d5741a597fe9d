/**
 * Summarise the same experiment over several split seeds: every numeric
 * leaf becomes its mean, with `<key>_min` and `<key>_max` siblings (e.g.
 * `ranker.anomaly_acc`, `ranker.anomaly_acc_min`, `ranker.anomaly_acc_max`).
 *
 * @module
 */

/** Options for {@linkcode aggregateRuns}. */
export interface AggregateOptions {
  /** Keep arrays (curves, histograms) from no run: they do not average meaningfully. */
  dropArrays?: boolean;
}

const defaults = { dropArrays: true } satisfies Required<AggregateOptions>;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge(values: unknown[], o: Required<AggregateOptions>): Json | undefined {
  const present = values.filter((v) => v !== undefined);
  if (present.length === 0) return undefined;
  if (present.every((v) => typeof v === "number" || v === null)) {
    const nums = present.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (nums.length === 0) return null;
    return nums.reduce((a, b) => a + b, 0) / nums.length;
  }
  if (present.some(isObject)) {
    const keys = [...new Set(present.filter(isObject).flatMap((v) => Object.keys(v)))];
    const out: Record<string, Json> = {};
    for (const k of keys) {
      const vs = present.map((v) => (isObject(v) ? v[k] : undefined));
      const m = merge(vs, o);
      if (m === undefined) continue;
      out[k] = m;
      const nums = vs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      if (nums.length > 0 && typeof m === "number") {
        out[`${k}_min`] = Math.min(...nums);
        out[`${k}_max`] = Math.max(...nums);
      }
    }
    return out;
  }
  if (present.some(Array.isArray)) return o.dropArrays ? undefined : present[0] as Json;
  // Strings and booleans: the common value, or the distinct values joined.
  const distinct = [...new Set(present.map(String))];
  return distinct.length === 1 ? present[0] as Json : distinct.join(" | ");
}

/**
 * Mean, min and max of every numeric leaf over runs.
 *
 * @param runs One result object per split seed (same shape).
 * @param options Whether arrays are dropped.
 * @returns The merged object: means at the original keys plus `_min`/`_max` siblings.
 * @example
 * ```ts
 * aggregateRuns([{ ranker: { anomaly_acc: 0.8 } }, { ranker: { anomaly_acc: 0.9 } }]);
 * // { ranker: { anomaly_acc: 0.85, anomaly_acc_min: 0.8, anomaly_acc_max: 0.9 } }
 * ```
 */
export function aggregateRuns(
  runs: readonly unknown[],
  options: AggregateOptions = {},
): Record<string, unknown> {
  const o = { ...defaults, ...options };
  if (runs.length === 0) throw new RangeError("Cannot aggregate runs: none given");
  const m = merge([...runs], o);
  return isObject(m) ? m : {};
}
