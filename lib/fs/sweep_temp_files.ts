/**
 * Remove the temp files an interrupted atomic write left behind
 * (`.<name>.<pid>.<8 hex>.tmp` beside `<name>`, see `writeFileAtomic`): a
 * kill -9 between writing the temp file and renaming it leaves one forever.
 * Every writer of state files sweeps at start: the reviewer (approved file,
 * thumbnail folder), decide (automation decisions), apply (plans folder),
 * ingest (its outputs), setup (the workspace file), embed (thumbnail folder),
 * vision (its result cache, once per folder; converted models before writing).
 * Deno 2.9 lets only `--allow-all` read `/proc`, so under a task's own
 * permissions liveness cannot be told and a temp file is swept once it is
 * older than `liveMaxAgeMs` (60 s): a live writer's file is never taken.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Options for {@linkcode sweepTempFiles}. */
export interface SweepTempFilesOptions {
  /** A temp file of a live other process is kept until it is this old (ms). */
  liveMaxAgeMs?: number;
  /** Clock (tests). */
  now?: () => number;
  /** Whether a process id is running; null when the system cannot tell. */
  isAlive?: (pid: number) => boolean | null;
}

/** Running per `/proc` (Linux); null where there is no `/proc`. */
function procAlive(pid: number): boolean | null {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync("/proc/self");
  } catch {
    return null;
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

const defaults = {
  liveMaxAgeMs: 60_000,
  now: () => Date.now(),
  isAlive: procAlive,
} satisfies Required<SweepTempFilesOptions>;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Delete stale temp files of `path`'s atomic writes: those of a process that
 * is no longer running, or older than `liveMaxAgeMs` when that cannot be told
 * (or the pid was reused). Only plain files or links with the exact temp
 * name are removed (a link itself, never its target); folders are left.
 *
 * @param path The file whose temp siblings to sweep (e.g. `approved_decisions.jsonl`).
 * @param options Age limit, clock, liveness probe.
 * @returns The removed paths, sorted.
 * @example
 * ```ts
 * const removed = await sweepTempFiles("sandbox/approved_decisions.jsonl");
 * ```
 */
export async function sweepTempFiles(
  path: string,
  options: SweepTempFilesOptions = {},
): Promise<string[]> {
  const name = new RegExp(`^\\.${escapeRegExp(basename(path))}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
  return await sweep(dirname(path), name, options);
}

/**
 * {@linkcode sweepTempFiles} for every file of a folder at once (a cache of
 * many files written atomically): removes stale `.<any name>.<pid>.<8 hex>.tmp`.
 *
 * @param dir The folder (not descended into).
 * @param options Age limit, clock, liveness probe.
 * @returns The removed paths, sorted.
 * @example
 * ```ts
 * const removed = await sweepTempFilesIn("sandbox/.thumbs");
 * ```
 */
export async function sweepTempFilesIn(
  dir: string,
  options: SweepTempFilesOptions = {},
): Promise<string[]> {
  return await sweep(dir, /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/, options);
}

async function sweep(
  dir: string,
  pattern: RegExp,
  options: SweepTempFilesOptions,
): Promise<string[]> {
  const opts = { ...defaults, ...options };
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const e of entries) {
    const m = pattern.exec(e.name);
    if (m === null || e.isDirectory) continue;
    const pid = Number(m[1]);
    const full = join(dir, e.name);
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(full);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue; // renamed by its live writer
      throw error;
    }
    const age = opts.now() - (info.mtime?.getTime() ?? 0);
    const alive = pid === Deno.pid ? true : opts.isAlive(pid);
    if (alive === false || age > opts.liveMaxAgeMs) {
      try {
        await Deno.remove(full);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) continue;
        throw error;
      }
      removed.push(full);
    }
  }
  return removed.sort();
}
