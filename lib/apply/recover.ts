/**
 * Finish what a crash interrupted: every run whose journal has no commit (or
 * a rollback without its end) is completed or undone, so each image sits
 * with all its companions either where the plan says or where it started.
 *
 * @module
 */
import { join } from "node:path";
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
  /** Crash-point callback (tests). */
  hook?: FaultHook | null;
}

const defaults = {
  mode: "complete",
  folders: {},
  hook: null,
} satisfies Required<RecoverOptions>;

/** An opened interrupted (or finished) run. */
export interface OpenRun {
  ctx: EngineCtx;
  journalPath: string;
  planPath: string;
}

/** Open a run's journal and verified plan. */
export function openRun(
  root: string,
  folders: ApplyFolders,
  runId: string,
  hook: FaultHook | null,
): { state: JournalState; open: () => OpenRun } {
  const journalPath = join(root, folders.journal, `${runId}.jsonl`);
  const state = readJournal(journalPath);
  if (state === null || state.begin === null) {
    throw new Error(`Cannot open run "${runId}": no journal at "${journalPath}"`);
  }
  const begin = state.begin;
  const planPath = join(root, ...begin.plan.split("/"));
  return {
    state,
    open: () => {
      const { plan, sha256 } = readPlanFile(planPath);
      if (sha256 !== begin.plan_sha256) {
        throw new Error(`Cannot open run "${runId}": plan "${planPath}" changed since the run`);
      }
      const journal = Journal.open(journalPath);
      const audit = join(plan.sandbox_root, plan.folders.logs, "file_operations.log");
      return {
        ctx: { plan, journal, state, auditPath: audit, hook: hook ?? undefined },
        journalPath,
        planPath,
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
  const root = Deno.realPathSync(sandboxRoot);
  const folders: ApplyFolders = { ...DEFAULT_FOLDERS, ...opts.folders };
  const ledger = readLedger(join(root, folders.journal));
  const out: ApplySummary[] = [];
  for (const runId of ledger.interrupted) {
    const { open } = openRun(root, folders, runId, opts.hook);
    const run = open();
    const { ctx } = run;
    try {
      appendAudit(ctx.auditPath, [sessionEntry(runId, "session_start", "recover")]);
      let n = 0;
      if (ctx.state.rollbackBegun || opts.mode === "undo") {
        n = runUndo(ctx);
      } else {
        try {
          sweepTemps(ctx.plan);
          n = await runForward(ctx);
          ctx.journal.add({ t: "commit", time: new Date().toISOString() });
          ctx.journal.flush();
          ctx.state.committed = true;
        } catch (error) {
          // Completing is impossible (something changed): put everything back instead.
          n = runUndo(ctx);
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
