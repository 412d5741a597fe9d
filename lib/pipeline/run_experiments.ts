/**
 * `runExperiments()`: the whole of `deno task experiment` — one simulation,
 * trained and evaluated with split seeds seed … seed+repeat−1 (the
 * simulation and the feature cache are made once), a report per seed, and
 * with several seeds every metric's mean with `_min` / `_max` siblings.
 *
 * @module
 */
import { aggregateRuns } from "../eval/mod.ts";
import type { EvaluateResult } from "./evaluate_all.ts";
import { type ExperimentOptions, runExperiment } from "./run_experiment.ts";
import { writeReport } from "./write_report.ts";

/** Options for {@linkcode runExperiments}: one experiment's, plus how many seeds and the folder. */
export interface RunExperimentsOptions extends ExperimentOptions {
  /** Split seeds to run, from `seed` on. */
  repeat?: number;
  /** Keep the work folder (a folder given as `workDir` is always kept). */
  keep?: boolean;
}

/** One seed's run. */
export interface ExperimentRun {
  seed: number;
  evaluation: EvaluateResult;
  /** Wall seconds per step. */
  seconds: Record<string, number>;
}

/** What {@linkcode runExperiments} returns. */
export interface ExperimentsResult {
  /** The work folder (removed unless kept). */
  dir: string;
  runs: ExperimentRun[];
  /**
   * What `experiment --json` prints: the one evaluation, or with several seeds
   * the means with `_min` / `_max` and `repeat: { n, seeds }`.
   */
  json: Record<string, unknown>;
}

/**
 * Run the experiment once per split seed on one simulation.
 *
 * @param options Simulator seed and sizes, features, first seed, repeats, folder.
 * @returns Every run and the printed JSON.
 * @throws {RangeError} When `repeat` is below 1.
 * @example
 * ```ts
 * const { json } = await runExperiments({ simSeed: 1, scale: 0.25, repeat: 3 });
 * json["ranker"];
 * ```
 */
export async function runExperiments(
  options: RunExperimentsOptions = {},
): Promise<ExperimentsResult> {
  const { repeat = 1, keep = false, ...experiment } = options;
  if (!Number.isInteger(repeat) || repeat < 1) {
    throw new RangeError(`Cannot run experiment: --repeat "${repeat}" must be 1 or more`);
  }
  const seed0 = experiment.seed ?? 1;
  const named = experiment.workDir != null;
  // Repeats share one folder: the simulation and feature cache are made once.
  let dir: string | undefined = experiment.workDir ?? undefined;
  const runs: ExperimentRun[] = [];
  try {
    for (let i = 0; i < repeat; i++) {
      const seed = seed0 + i;
      const r = await runExperiment({
        ...experiment,
        seed,
        ...(dir ? { workDir: dir } : {}),
        onStep: (s) => experiment.onStep?.(repeat > 1 ? `seed ${seed}: ${s}` : s),
      });
      dir = r.dir;
      runs.push({ seed, evaluation: r.evaluation, seconds: r.seconds });
      await writeReport(`${r.dir}/report${repeat > 1 ? `_seed${seed}` : ""}`, r.evaluation);
    }
  } finally {
    // A folder the user named is theirs to keep.
    if (dir && !keep && !named) await Deno.remove(dir, { recursive: true });
  }
  const json = repeat === 1 ? runs[0]!.evaluation as unknown as Record<string, unknown> : {
    ...aggregateRuns(runs.map((r) => r.evaluation)),
    repeat: { n: repeat, seeds: runs.map((r) => r.seed) },
  };
  return { dir: dir!, runs, json };
}
