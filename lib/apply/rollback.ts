/**
 * Undo a run: every move goes back, every copy and crop it wrote is removed
 * (after checking it is unchanged), every folder it created is removed when
 * empty. The tree ends byte-identical to before the run.
 *
 * @module
 */
import { appendAudit, sessionEntry } from "./_audit.ts";
import { runUndo, summaryOf } from "./_engine.ts";
import { checkRunId } from "./_guard.ts";
import { openRun, openSandbox } from "./recover.ts";
import type { FaultHook } from "./_ops.ts";
import type { ApplyFolders, ApplySummary } from "./types.ts";

/** Options for {@linkcode rollback}. */
export interface RollbackOptions {
  /** Folder names, when not the defaults. */
  folders?: Partial<ApplyFolders>;
  /** Roll back a run planned in another folder (this sandbox was copied or moved), by relative paths. */
  relocated?: boolean;
  /** Crash-point callback (tests). */
  hook?: FaultHook | null;
}

const defaults = {
  folders: {},
  relocated: false,
  hook: null,
} satisfies Required<RollbackOptions>;

/**
 * Roll back run `runId` (journaled, so a crash mid-rollback is finished by
 * {@linkcode recover}). Rolling back a rolled-back run does nothing.
 *
 * @param sandboxRoot The sandbox root.
 * @param runId The run to undo.
 * @param options Folders.
 * @returns What was undone.
 * @example
 * ```ts
 * await rollback("sandbox", "20261127_123000_9f3a");
 * ```
 */
export async function rollback(
  sandboxRoot: string,
  runId: string,
  options: RollbackOptions = {},
): Promise<ApplySummary> {
  const opts = { ...defaults, ...options };
  checkRunId(runId, "roll back");
  const { root, folders } = openSandbox(sandboxRoot, opts.folders, "roll back");
  const { state, open } = openRun(root, folders, runId, opts.hook, opts.relocated);
  const run = open();
  const paths = { journal: run.journalPath, plan: run.planPath };
  try {
    if (state.rolledBack) {
      return summaryOf(run.ctx.plan, state, 0, paths, true);
    }
    appendAudit(run.ctx.auditPath, [sessionEntry(runId, "session_start", "rollback")]);
    const n = await runUndo(run.ctx);
    appendAudit(run.ctx.auditPath, [sessionEntry(runId, "session_end", `rollback: ${n} steps`)]);
    return summaryOf(run.ctx.plan, state, n, paths);
  } finally {
    run.ctx.journal.close();
  }
}
