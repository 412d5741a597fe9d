/**
 * Finish what a crash interrupted: every run whose journal has no commit (or
 * a rollback without its end) is completed or undone, so each image sits
 * with all its companions either where the plan says or where it started.
 *
 * @module
 */
import { join } from "node:path";
import { checkLoadedPlan } from "./_check_plan.ts";
import { folderProblems } from "./_folders.ts";
import { checkRunId, guardedPath } from "./_guard.ts";
import { appendAudit, sessionEntry } from "./_audit.ts";
import { type EngineCtx, runForward, runUndo, summaryOf, sweepTemps } from "./_engine.ts";
import { Journal, type JournalState, readJournal } from "./_journal.ts";
import { readLedger } from "./_ledger.ts";
import type { FaultHook } from "./_ops.ts";
import { readPlanFile } from "./_plan_file.ts";
import { DEFAULT_FOLDERS } from "./plan_apply.ts";
import type { ApplyFolders, ApplySummary } from "./types.ts";

/** Options for {@linkcode recover}. */
export interface RecoverOptions {
  /** Finish the interrupted runs (`complete`) or undo them (`undo`). */
  mode?: "complete" | "undo";
  /** Folder names, when not the defaults (only `journal` and `plans` are read). */
  folders?: Partial<ApplyFolders>;
  /** Act on runs planned in another folder (this sandbox was copied or moved), by relative paths. */
  relocated?: boolean;
  /** Crash-point callback (tests). */
  hook?: FaultHook | null;
}

const defaults = {
  mode: "complete",
  folders: {},
  relocated: false,
  hook: null,
} satisfies Required<RecoverOptions>;

/** An opened interrupted (or finished) run. */
export interface OpenRun {
  ctx: EngineCtx;
  journalPath: string;
  planPath: string;
  /** The sandbox root the plan was made in (differs from the root acted on only with `relocated`). */
  madeIn: string;
}

/**
 * The real path of `sandboxRoot` and its folders, checked with planning's rules.
 *
 * @param sandboxRoot The `--sandbox` given.
 * @param folders Folder overrides.
 * @param action For messages.
 * @returns Real root and folders.
 */
export function openSandbox(
  sandboxRoot: string,
  folders: Partial<ApplyFolders>,
  action: string,
): { root: string; folders: ApplyFolders } {
  let root: string;
  try {
    root = Deno.realPathSync(sandboxRoot);
  } catch (error) {
    throw new Error(`Cannot ${action}: sandbox root "${sandboxRoot}" does not exist`, {
      cause: error,
    });
  }
  const all: ApplyFolders = { ...DEFAULT_FOLDERS, ...folders };
  const bad = folderProblems(root, all);
  if (bad.length > 0) throw new RangeError(`Cannot ${action}: ${bad[0]!.message}`);
  return { root, folders: all };
}

/** Open a run's journal and verified plan (`root`: real path of the `--sandbox` given). */
export function openRun(
  root: string,
  folders: ApplyFolders,
  runId: string,
  hook: FaultHook | null,
  relocated = false,
): { state: JournalState; open: () => OpenRun } {
  checkRunId(runId, "open run");
  const journalPath = guardedPath(root, `${folders.journal}/${runId}.jsonl`);
  let info: Deno.FileInfo | null = null;
  try {
    info = Deno.lstatSync(journalPath);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (info !== null && !info.isFile) {
    throw new Error(`Cannot open run "${runId}": "${journalPath}" is not a regular file`);
  }
  const state = info === null ? null : readJournal(journalPath);
  if (state === null || state.begin === null) {
    throw new Error(`Cannot open run "${runId}": no journal at "${journalPath}"`);
  }
  const begin = state.begin;
  const expectedPlan = `${folders.plans}/${runId}.json`;
  if (begin.run_id !== runId || begin.plan !== expectedPlan) {
    throw new Error(
      `Cannot open run "${runId}": its journal names run "${String(begin.run_id)}" and plan ` +
        `"${String(begin.plan)}" (expected "${expectedPlan}")`,
    );
  }
  const planPath = guardedPath(root, expectedPlan);
  return {
    state,
    open: () => {
      const { plan: raw, sha256 } = readPlanFile(planPath);
      if (sha256 !== begin.plan_sha256) {
        throw new Error(`Cannot open run "${runId}": plan "${planPath}" changed since the run`);
      }
      const { plan, madeIn } = checkLoadedPlan(raw, { root, runId, planPath, relocated });
      const audit = guardedPath(root, `${plan.folders.logs}/file_operations.log`, {
        missingOk: true,
      });
      const journal = Journal.open(journalPath);
      return {
        ctx: { plan, journal, state, auditPath: audit, hook: hook ?? undefined },
        journalPath,
        planPath,
        madeIn,
      };
    },
  };
}

/**
 * Recover every interrupted run under `sandboxRoot`. A run that was rolling
 * back finishes its rollback; otherwise `mode` decides. When completing
 * fails (e.g. a destination appeared), the run is undone instead.
 *
 * @param sandboxRoot The sandbox root.
 * @param options Mode and folders.
 * @returns One summary per recovered run (empty when nothing was interrupted).
 * @example
 * ```ts
 * const done = await recover("sandbox", { mode: "complete" });
 * ```
 */
export async function recover(
  sandboxRoot: string,
  options: RecoverOptions = {},
): Promise<ApplySummary[]> {
  const opts = { ...defaults, ...options };
  const { root, folders } = openSandbox(sandboxRoot, opts.folders, "recover");
  const ledger = readLedger(join(root, folders.journal));
  const out: ApplySummary[] = [];
  for (const runId of ledger.interrupted) {
    const { open } = openRun(root, folders, runId, opts.hook, opts.relocated);
    const run = open();
    const { ctx } = run;
    try {
      appendAudit(ctx.auditPath, [sessionEntry(runId, "session_start", "recover")]);
      let n = 0;
      if (ctx.state.rollbackBegun || opts.mode === "undo") {
        n = await runUndo(ctx);
      } else {
        try {
          sweepTemps(ctx.plan);
          n = await runForward(ctx);
          ctx.journal.add({ t: "commit", time: new Date().toISOString() });
          ctx.journal.flush();
          ctx.state.committed = true;
        } catch (error) {
          // Completing is impossible (something changed): put everything back instead.
          n = await runUndo(ctx);
          appendAudit(ctx.auditPath, [
            sessionEntry(runId, "session_end", `recover undid the run: ${String(error)}`),
          ]);
        }
      }
      appendAudit(ctx.auditPath, [sessionEntry(runId, "session_end", `recover: ${n} steps`)]);
      out.push({
        ...summaryOf(ctx.plan, ctx.state, n, {
          journal: run.journalPath,
          plan: run.planPath,
        }),
        steps_done: n,
      });
    } finally {
      ctx.journal.close();
    }
  }
  return out;
}
