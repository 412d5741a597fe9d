/**
 * Fault injection: apply a simulated batch in a subprocess, SIGKILL it at a
 * random moment (an exact crash point, or a random time while the real
 * `tasks/apply.ts --commit --yes` runs), recover, and check by content hash
 * that every file is exactly where the plan (or the rollback) says, with no
 * partial files; then roll back and check the tree is byte-identical.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readJournal } from "./_journal.ts";
import { readPlanFile } from "./_plan_file.ts";
import { diffInventories, type Inventory, inventoryTree } from "./inventory_tree.ts";
import { makeApplyFixture, seededRandom } from "./make_apply_fixture.ts";
import { DEFAULT_FOLDERS } from "./plan_apply.ts";
import { recover } from "./recover.ts";
import { rollback } from "./rollback.ts";

/** Options for {@linkcode runFaultTrials}. */
export interface FaultTrialOptions {
  trials?: number;
  /** Groups in the simulated batch. */
  groups?: number;
  seed?: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Trials run at the same time (each on its own copy). */
  concurrency?: number;
  /** Images per group (2-4). */
  members?: number;
  /** Companion extensions beside every image. */
  companions?: readonly string[];
}

const defaults = {
  trials: 10,
  groups: 50,
  seed: 7,
  log: () => {},
  concurrency: 1,
  members: 3,
  companions: [".yaml", ".caption"],
} satisfies Required<FaultTrialOptions>;

/** One trial's outcome. */
export interface FaultTrial {
  trial: number;
  /** `point` (self-kill at crash point N) or `timer` (SIGKILL after N ms). */
  kill: "point" | "timer";
  at: number;
  /** The kill left a begun, uncommitted run (false: killed before it began or after it ended). */
  interrupted: boolean;
  /** How recovery ended the run. */
  outcome: "not_started" | "committed" | "rolled_back";
  recoverMode: "complete" | "undo";
  /** Inventory differences after recovery and after rollback (empty = no loss). */
  problems: string[];
}

/** Totals of {@linkcode runFaultTrials}. */
export interface FaultTrialResult {
  trials: number;
  losses: number;
  details: FaultTrial[];
}

const EXCLUDE = [DEFAULT_FOLDERS.plans, DEFAULT_FOLDERS.journal, DEFAULT_FOLDERS.logs];
const CHILD = fileURLToPath(new URL("./_fault_child.ts", import.meta.url));
const TASK = fileURLToPath(new URL("../../tasks/apply.ts", import.meta.url));

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const e of Deno.readDirSync(from)) {
    if (e.isDirectory) copyTree(join(from, e.name), join(to, e.name));
    else Deno.copyFileSync(join(from, e.name), join(to, e.name));
  }
}

/** When to SIGKILL a child: `ms` after `watch` appears (or after spawn without `watch`). */
interface KillAt {
  ms: number;
  watch?: string;
  /** Only measure when `watch` appears; never kill. */
  measureOnly?: boolean;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

async function spawnChild(
  args: string[],
  killAt: KillAt | null,
): Promise<{ text: string; beginMs: number | null; totalMs: number }> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let running = true;
  const output = child.output().finally(() => {
    running = false;
  });
  let beginMs: number | null = null;
  if (killAt !== null) {
    // Wait for the journal to appear (the run has begun), then kill after a random delay.
    while (running && killAt.watch !== undefined && !exists(killAt.watch)) {
      await new Promise((r) => setTimeout(r, 3));
    }
    beginMs = performance.now() - t0;
    if (!killAt.measureOnly) {
      await new Promise((r) => setTimeout(r, killAt.ms));
      try {
        if (running) child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
  }
  const out = await output;
  const dec = new TextDecoder();
  return {
    text: dec.decode(out.stdout) + dec.decode(out.stderr),
    beginMs,
    totalMs: performance.now() - t0,
  };
}

/** The inventory the plan promises after a committed run. */
function expectedAfter(before: Inventory, root: string, runId: string): Inventory {
  const { plan } = readPlanFile(join(root, DEFAULT_FOLDERS.plans, `${runId}.json`));
  const state = readJournal(join(root, DEFAULT_FOLDERS.journal, `${runId}.jsonl`))!;
  const inv: Inventory = { files: new Map(before.files), dirs: new Set(before.dirs) };
  for (const s of plan.steps) {
    if (s.kind === "mkdir") inv.dirs.add(s.dest);
    else if (s.kind === "move") {
      inv.files.set(s.dest, inv.files.get(s.source) ?? "?");
      inv.files.delete(s.source);
    } else if (s.kind === "copy") inv.files.set(s.dest, inv.files.get(s.source) ?? "?");
    else inv.files.set(s.dest, state.done.get(s.index)?.out_sha256 ?? "?");
  }
  return inv;
}

/**
 * Run `trials` kill-and-recover trials on a fresh copy of one simulated batch
 * each (in `dir`). A loss is any trial whose tree differs, by content hash,
 * from what the plan or the rollback says.
 *
 * @param dir A scratch folder (filled and emptied).
 * @param options Trials, batch size, seed.
 * @returns Trials, losses and per-trial details.
 * @example
 * ```ts
 * const r = await runFaultTrials(await Deno.makeTempDir(), { trials: 10 });
 * ```
 */
export async function runFaultTrials(
  dir: string,
  options: FaultTrialOptions = {},
): Promise<FaultTrialResult> {
  const opts = { ...defaults, ...options };
  const base = join(dir, "base");
  await makeApplyFixture(base, {
    groups: opts.groups,
    seed: opts.seed,
    members: opts.members,
    companions: opts.companions,
  });
  const original = inventoryTree(base, { exclude: EXCLUDE });
  // One unkilled run: how many crash points there are and how long a run takes.
  const probe = join(dir, "probe");
  copyTree(base, probe);
  const journalOf = (root: string, runId: string) =>
    join(root, DEFAULT_FOLDERS.journal, `${runId}.jsonl`);
  const probed = await spawnChild([CHILD, probe, "probe", "0"], {
    ms: 0,
    watch: journalOf(probe, "probe"),
    measureOnly: true,
  });
  const text = probed.text;
  const durationMs = probed.totalMs - (probed.beginMs ?? 0);
  const points = Number(/"points":(\d+)/.exec(text)?.[1] ?? "0");
  if (points === 0) throw new Error(`Cannot run fault trials: the probe run failed: ${text}`);
  Deno.removeSync(probe, { recursive: true });
  opts.log(`fault trials: ${points} crash points, execution ${durationMs.toFixed(0)} ms`);
  const trial = async (t: number): Promise<FaultTrial> => {
    const rand = seededRandom(opts.seed * 7919 + t);
    const root = join(dir, `t${t}`);
    copyTree(base, root);
    const runId = `trial${t}`;
    const kill: FaultTrial["kill"] = t % 2 === 0 ? "point" : "timer";
    const at = kill === "point"
      ? 1 + Math.floor(rand() * points)
      : Math.floor(rand() * durationMs * 1.1);
    if (kill === "point") await spawnChild([CHILD, root, runId, String(at)], null);
    else {
      await spawnChild([TASK, "--sandbox", root, "--commit", "--yes", "--run-id", runId], {
        ms: at,
        watch: journalOf(root, runId),
      });
    }
    const pre = readJournal(journalOf(root, runId));
    const interrupted = pre !== null && pre.begin !== null && !pre.committed;
    const recoverMode: FaultTrial["recoverMode"] = t % 3 === 2 ? "undo" : "complete";
    const problems: string[] = [];
    if (t % 5 === 1) {
      // Through the command line, as a person would after a crash.
      const args = [
        TASK,
        "--sandbox",
        root,
        "--recover",
        ...(recoverMode === "undo" ? ["--undo"] : []),
      ];
      const r = await spawnChild(args, null);
      if (/error:/.test(r.text)) problems.push(`apply --recover failed: ${r.text.trim()}`);
    } else {
      try {
        await recover(root, { mode: recoverMode });
      } catch (error) {
        problems.push(`recover failed: ${String(error)}`);
      }
    }
    const state = readJournal(join(root, DEFAULT_FOLDERS.journal, `${runId}.jsonl`));
    let outcome: FaultTrial["outcome"] = "not_started";
    if (state?.begin) outcome = state.rolledBack ? "rolled_back" : "committed";
    const now = inventoryTree(root, { exclude: EXCLUDE });
    const expected = outcome === "committed" ? expectedAfter(original, root, runId) : original;
    problems.push(...diffInventories(expected, now).map((d) => `after recover: ${d}`));
    if (outcome === "committed" && problems.length === 0 && t % 4 === 0) {
      // Kill the rollback too; recover must then finish it.
      const killAt = 1 + Math.floor(rand() * points);
      await spawnChild([CHILD, root, runId, String(killAt), "rollback"], null);
      try {
        await recover(root);
      } catch (error) {
        problems.push(`recover after killed rollback failed: ${String(error)}`);
      }
      if (readJournal(join(root, DEFAULT_FOLDERS.journal, `${runId}.jsonl`))?.rolledBack) {
        const back = inventoryTree(root, { exclude: EXCLUDE });
        problems.push(...diffInventories(original, back).map((d) => `after killed rollback: ${d}`));
      } else problems.push("killed rollback was not finished by recover");
    } else if (outcome === "committed" && problems.length === 0) {
      try {
        await rollback(root, runId);
        const back = inventoryTree(root, { exclude: EXCLUDE });
        problems.push(...diffInventories(original, back).map((d) => `after rollback: ${d}`));
      } catch (error) {
        problems.push(`rollback failed: ${String(error)}`);
      }
    }
    opts.log(
      `trial ${t}: kill ${kill}@${at}${
        interrupted ? " mid-run" : ""
      } → ${outcome} (${recoverMode})` +
        (problems.length > 0 ? ` LOSS: ${problems.slice(0, 3).join("; ")}` : " ok"),
    );
    Deno.removeSync(root, { recursive: true });
    return { trial: t, kill, at, interrupted, outcome, recoverMode, problems };
  };
  const details: FaultTrial[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.trials) details.push(await trial(next++));
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  details.sort((a, b) => a.trial - b.trial);
  return {
    trials: opts.trials,
    losses: details.filter((d) => d.problems.length > 0).length,
    details,
  };
}
