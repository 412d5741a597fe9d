/**
 * Carry out a plan: preflight (nothing moves if anything is off), then each
 * group's steps under the write-ahead journal, then a commit record.
 *
 * @module
 */
import { join } from "node:path";
import { appendAudit, sessionEntry } from "./_audit.ts";
import { DEFAULT_BATCH_STEPS, type EngineCtx, runForward, runUndo, summaryOf } from "./_engine.ts";
import { folderProblems } from "./_folders.ts";
import { checkRoot, guardedPath, TreeChangedError } from "./_guard.ts";
import { Journal, readJournal } from "./_journal.ts";
import { readLedger } from "./_ledger.ts";
import { cachedExists, type FaultHook, sha256Hex } from "./_ops.ts";
import { writePlanFile } from "./_plan_file.ts";
import type { ApplyPlan, ApplySummary } from "./types.ts";

/** Options for {@linkcode executePlan}. */
export interface ExecutePlanOptions {
  /** Called at crash-relevant points (tests kill the process there). */
  hook?: FaultHook | null;
  /** Steps per journal batch (whole groups; two fsyncs per batch). */
  batchSteps?: number;
}

const defaults = {
  hook: null,
  batchSteps: DEFAULT_BATCH_STEPS,
} satisfies Required<ExecutePlanOptions>;

/** Paths of a run's plan, journal and audit log. */
export function runPaths(plan: ApplyPlan): { plan: string; journal: string; audit: string } {
  const root = plan.sandbox_root;
  return {
    plan: join(root, plan.folders.plans, `${plan.run_id}.json`),
    journal: join(root, plan.folders.journal, `${plan.run_id}.jsonl`),
    audit: join(root, plan.folders.logs, "file_operations.log"),
  };
}

/**
 * Execute `plan`. Refuses (moving nothing) when the plan has errors, another
 * run is interrupted, or the tree changed since planning. Re-running a
 * finished run does nothing.
 *
 * @param plan A plan from {@linkcode planApply}.
 * @param options Fault hook.
 * @returns What was done, with the rollback command.
 * @example
 * ```ts
 * import { planApply } from "./plan_apply.ts";
 * const plan = await planApply("sandbox");
 * const summary = await executePlan(plan);
 * console.log(summary.rollback_command);
 * ```
 */
export async function executePlan(
  plan: ApplyPlan,
  options: ExecutePlanOptions = {},
): Promise<ApplySummary> {
  const opts = { ...defaults, ...options };
  const paths = runPaths(plan);
  if (plan.totals.errors > 0) {
    const first = plan.problems.find((p) => p.severity === "error");
    throw new Error(
      `Cannot apply run "${plan.run_id}": the plan has ${plan.totals.errors} error(s); first: ` +
        `${first?.message ?? "?"}`,
    );
  }
  const existing = readJournal(paths.journal);
  if (existing !== null && existing.begin !== null) {
    if (existing.committed || existing.rolledBack) {
      return summaryOf(plan, existing, 0, paths, true);
    }
    throw new Error(`Cannot apply run "${plan.run_id}": it was interrupted; run recover first`);
  }
  const ledger = readLedger(join(plan.sandbox_root, plan.folders.journal));
  if (ledger.interrupted.length > 0) {
    throw new Error(
      `Cannot apply run "${plan.run_id}": run "${ledger.interrupted[0]}" was interrupted; ` +
        `run recover first`,
    );
  }
  preflight(plan);
  const planSha = await ensurePlanFile(plan, paths.plan);
  const journal = Journal.open(paths.journal);
  try {
    journal.add({
      t: "begin",
      run_id: plan.run_id,
      plan: `${plan.folders.plans}/${plan.run_id}.json`,
      plan_sha256: planSha,
      steps: plan.steps.length,
      groups: plan.groups.filter((g) => g.outcome === "apply").map((g) => g.group_id),
      time: new Date().toISOString(),
    });
    journal.flush();
    appendAudit(paths.audit, [sessionEntry(plan.run_id, "session_start", "apply")]);
    const state = readJournal(paths.journal)!;
    const ctx: EngineCtx = {
      plan,
      journal,
      state,
      auditPath: paths.audit,
      hook: opts.hook ?? undefined,
      batchSteps: opts.batchSteps,
    };
    let n: number;
    try {
      n = await runForward(ctx);
    } catch (error) {
      if (!(error instanceof TreeChangedError)) throw error;
      // Someone changed the tree during the run: put back what this run did.
      const undone = await runUndo(ctx);
      appendAudit(paths.audit, [
        sessionEntry(
          plan.run_id,
          "session_end",
          `apply undone (${undone} steps): ${error.message}`,
        ),
      ]);
      throw new TreeChangedError(
        `Cannot apply run "${plan.run_id}": ${error.message}; the ${undone} step(s) already ` +
          `done were undone, the tree is as before the run (plan again)`,
        { cause: error },
      );
    }
    journal.add({ t: "commit", time: new Date().toISOString() });
    journal.flush();
    state.committed = true;
    appendAudit(paths.audit, [sessionEntry(plan.run_id, "session_end", `apply: ${n} steps`)]);
    return summaryOf(plan, state, n, paths);
  } finally {
    journal.close();
  }
}

/**
 * Everything re-checked before the first move: the root, every folder on the
 * way (no link), no destination appeared, every source the same file (inode,
 * size, mtime as planned). Each move then verifies the bytes it moves.
 */
function preflight(plan: ApplyPlan): void {
  const root = plan.sandbox_root;
  const fail = (why: string): never => {
    throw new TreeChangedError(
      `Cannot apply run "${plan.run_id}": ${why}; nothing moved (plan again)`,
    );
  };
  try {
    checkRoot(root);
  } catch (error) {
    fail(String((error as Error).message));
  }
  const bad = folderProblems(root, plan.folders);
  if (bad.length > 0) fail(bad[0]!.message);
  const names = new Map<string, Set<string>>();
  for (const s of plan.steps) {
    let dst: string;
    try {
      dst = guardedPath(root, s.dest, { missingOk: true });
    } catch (error) {
      return fail((error as Error).message);
    }
    if (cachedExists(names, dst)) {
      fail(`destination "${s.dest}" appeared after planning (never overwritten)`);
    }
    if (s.kind === "mkdir") continue;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(guardedPath(root, s.source));
    } catch (error) {
      if (error instanceof TreeChangedError) fail(error.message);
      return fail(`"${s.source}" is gone since planning`);
    }
    const moved = s.ino !== undefined && info.ino !== null && info.ino !== s.ino;
    const touched = s.mtime_ms !== undefined && info.mtime?.getTime() !== s.mtime_ms;
    if (!info.isFile || info.size !== s.size || moved || touched) {
      fail(`"${s.source}" changed since planning`);
    }
  }
}

async function ensurePlanFile(plan: ApplyPlan, path: string): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(plan, null, 1) + "\n");
  const sha = sha256Hex(bytes);
  try {
    const have = sha256Hex(Deno.readFileSync(path));
    if (have === sha) return sha;
    throw new Error(`Cannot apply run "${plan.run_id}": "${path}" holds a different plan`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return await writePlanFile(path, plan);
}
