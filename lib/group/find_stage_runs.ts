/**
 * Tier 1 grouping: runs of strictly increasing pipeline stages in filename
 * time order, within one directory.
 *
 * @module
 */
import { basename, parseFilenameTimestamp, parseStage } from "../paths/mod.ts";
import type { ParseStageOptions } from "../paths/mod.ts";

/** Options for {@linkcode findStageRuns}. */
export interface FindStageRunsOptions {
  /** How many not-yet-grouped files after the current one are searched for the next stage. */
  lookahead?: number;
  /** Largest allowed time between consecutive members of a run, in seconds. */
  maxGapSeconds?: number;
  /** Stage table (names → numbers), as in lib/paths. */
  stages?: ParseStageOptions["stages"];
  /** Extra veto on linking `from` → `to` (e.g. a content check); null: none. */
  canLink?: ((from: string, to: string) => boolean) | null;
}

/** Tier-1 defaults: 50-file lookahead, 15 minutes between consecutive stages. */
export const STAGE_RUN_DEFAULTS = {
  lookahead: 50,
  maxGapSeconds: 900,
  stages: undefined,
  canLink: null,
} satisfies Required<Omit<FindStageRunsOptions, "stages">> & { stages: undefined };

/** Result of {@linkcode findStageRuns}. */
export interface StageRuns {
  /** Runs of ≥ 2 paths, each in stage order. */
  runs: string[][];
  /** Paths with no stage or no timestamp, and stage files left alone. */
  leftover: string[];
}

/** Directory part of a path (`/` or `\`), "" for a bare name. */
export function dirOf(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 ? path.slice(0, i) : "";
}

interface Entry {
  path: string;
  name: string;
  stage: number;
  ts: number;
}

/**
 * Find stage runs: per directory, files are sorted by (filename timestamp,
 * stage, name); from each file not yet used a run repeatedly takes the
 * nearest next stage: the first unused file within the next `lookahead`
 * files and `maxGapSeconds` whose stage is higher. A lower-or-equal stage
 * met first ends the run (a new series starts there). With `canLink`, files
 * it rejects (other pictures, e.g. an interleaved batch) are skipped instead.
 * Runs never cross directories; runs need ≥ 2 files.
 *
 * @param paths File paths (images).
 * @param options Lookahead, time gap, stage table, optional link veto.
 * @returns Runs and leftover paths.
 * @example
 * ```ts
 * findStageRuns([
 *   "d/20250708_064118_stage1_generated.png",
 *   "d/20250708_064230_stage2_upscaled.png",
 * ]).runs; // [["d/20250708_064118_stage1_generated.png", "d/20250708_064230_stage2_upscaled.png"]]
 * ```
 */
export function findStageRuns(
  paths: readonly string[],
  options: FindStageRunsOptions = {},
): StageRuns {
  const lookahead = options.lookahead ?? STAGE_RUN_DEFAULTS.lookahead;
  const maxGapMs = (options.maxGapSeconds ?? STAGE_RUN_DEFAULTS.maxGapSeconds) * 1000;
  const canLink = options.canLink ?? null;
  const stageOpts: ParseStageOptions = options.stages ? { stages: options.stages } : {};
  const leftover: string[] = [];
  const byDir = new Map<string, Entry[]>();
  for (const path of paths) {
    const name = basename(path);
    const stage = parseStage(name, stageOpts);
    const ts = parseFilenameTimestamp(name);
    if (stage === null || ts === null) {
      leftover.push(path);
      continue;
    }
    const dir = dirOf(path);
    let list = byDir.get(dir);
    if (list === undefined) byDir.set(dir, list = []);
    list.push({ path, name, stage, ts });
  }
  const runs: string[][] = [];
  for (const dir of [...byDir.keys()].sort()) {
    const list = byDir.get(dir)!;
    list.sort((a, b) => a.ts - b.ts || a.stage - b.stage || (a.name < b.name ? -1 : 1));
    const used = new Uint8Array(list.length);
    for (let i = 0; i < list.length; i++) {
      if (used[i]) continue;
      used[i] = 1;
      const run = [i];
      let cur = i;
      for (;;) {
        const c = list[cur]!;
        let best = -1;
        let scanned = 0;
        for (let j = cur + 1; j < list.length && scanned < lookahead; j++) {
          if (used[j]) continue;
          scanned++;
          const e = list[j]!;
          if (e.ts - c.ts > maxGapMs) break;
          // A file the content check says is another picture is neither a member nor a reset.
          if (canLink !== null && !canLink(c.path, e.path)) continue;
          if (e.stage <= c.stage) break; // series reset: a new run starts here
          best = j; // nearest next stage: the first higher one in time order
          break;
        }
        if (best < 0) break;
        used[best] = 1;
        run.push(best);
        cur = best;
      }
      if (run.length >= 2) runs.push(run.map((k) => list[k]!.path));
      else leftover.push(list[i]!.path);
    }
  }
  return { runs, leftover };
}
