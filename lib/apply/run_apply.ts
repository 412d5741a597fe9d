/**
 * `runApply()`: one run of `deno task apply` — recover an interrupted run, roll a run back, or
 * plan the approved decisions and (when asked and confirmed) execute the plan.
 *
 * @module
 */
import { executePlan } from "./execute_plan.ts";
import { planApply } from "./plan_apply.ts";
import { recover } from "./recover.ts";
import { rollback } from "./rollback.ts";
import type { ApplyFolders, ApplyPlan, ApplySummary } from "./types.ts";

/** Options for {@linkcode runApply}. */
export interface RunApplyOptions {
  /** Finish ("complete") or undo an interrupted run instead of planning; null: plan. */
  recover?: "complete" | "undo" | null;
  /** Restore the tree this run changed instead of planning; null: plan. */
  rollback?: string | null;
  /** With `recover` / `rollback`: accept a sandbox that was moved or copied. */
  relocated?: boolean;
  /** Destination folder names that differ from the defaults. */
  folders?: Partial<ApplyFolders>;
  /** Approved decisions file; null: `<sandbox>/approved_decisions.jsonl`. */
  approvedFile?: string | null;
  /** Automation decisions file; null: `<sandbox>/automation_decisions.jsonl`. */
  decisionsFile?: string | null;
  /** Id of the new run; null: a timestamp. */
  runId?: string | null;
  /** What a missing companion file does. */
  missingCompanions?: "refuse" | "warn";
  /** What two decisions for one group do. */
  duplicates?: "refuse" | "last";
  /** What an unreadable image does. */
  unreadable?: "refuse" | "warn";
  /** Files directly in the folders ("flat") or `<project>/<character>/` beneath ("project"). */
  tree?: "project" | "flat";
  /** Execute the plan (dry run otherwise). */
  commit?: boolean;
  /** Told the plan as soon as it is made (and its plan file written), before any check fails. */
  onPlan?: (plan: ApplyPlan) => void;
  /** With `commit`: asked before executing; false leaves everything in place. null: no asking. */
  confirm?: ((plan: ApplyPlan) => boolean | Promise<boolean>) | null;
}

const defaults = {
  recover: null,
  rollback: null,
  relocated: false,
  folders: {},
  approvedFile: null,
  decisionsFile: null,
  runId: null,
  missingCompanions: "refuse",
  duplicates: "refuse",
  unreadable: "refuse",
  tree: "project",
  commit: false,
  onPlan: () => {},
  confirm: null,
} satisfies Required<RunApplyOptions>;

/** What {@linkcode runApply} did. */
export type RunApplyResult =
  /** `recover`: one summary per interrupted run finished or undone (none: nothing to do). */
  | { mode: "recover"; summaries: ApplySummary[] }
  /** `rollback`: the run restored. */
  | { mode: "rollback"; summary: ApplySummary }
  /**
   * A plan: `committed` is the executed run's summary (null on a dry run or when not
   * confirmed); `declined` says `confirm` answered no.
   */
  | { mode: "plan"; plan: ApplyPlan; committed: ApplySummary | null; declined: boolean };

/**
 * Carry out approved decisions inside a sandbox, as `deno task apply` does: `recover` and
 * `rollback` act on earlier runs; otherwise the decisions are planned (the plan file is always
 * written), a plan with errors is refused, and with `commit` (after `confirm`) executed.
 *
 * @param sandboxRoot The sandbox.
 * @param options The action, decision files, policies, folders, confirmation.
 * @returns What was recovered, rolled back, planned or executed.
 * @throws {Error} When the plan has errors (nothing moved), naming the first.
 * @example
 * ```ts
 * const r = await runApply("sandbox", { commit: true, confirm: () => true });
 * if (r.mode === "plan" && r.committed) console.log(r.committed.files_moved);
 * ```
 */
export async function runApply(
  sandboxRoot: string,
  options: RunApplyOptions = {},
): Promise<RunApplyResult> {
  const opts = { ...defaults, ...options };
  const { folders } = opts;
  if (opts.recover !== null) {
    const summaries = await recover(sandboxRoot, {
      mode: opts.recover,
      folders,
      relocated: opts.relocated,
    });
    return { mode: "recover", summaries };
  }
  if (opts.rollback !== null) {
    const summary = await rollback(sandboxRoot, opts.rollback, {
      folders,
      relocated: opts.relocated,
    });
    return { mode: "rollback", summary };
  }
  const plan = await planApply(sandboxRoot, {
    ...(opts.approvedFile !== null ? { approvedFile: opts.approvedFile } : {}),
    ...(opts.decisionsFile !== null ? { decisionsFile: opts.decisionsFile } : {}),
    ...(opts.runId !== null ? { runId: opts.runId } : {}),
    folders,
    missingCompanions: opts.missingCompanions,
    duplicates: opts.duplicates,
    unreadable: opts.unreadable,
    tree: opts.tree,
  });
  opts.onPlan(plan);
  if (plan.totals.errors > 0) {
    const errors = plan.problems.filter((p) => p.severity === "error");
    const kinds = new Map<string, number>();
    for (const p of errors) kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    throw new Error(
      `Cannot apply: ${plan.totals.errors} problem(s) in the decisions ` +
        `(${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ")}), nothing moved; first: ` +
        `${errors[0]?.message ?? "?"}`,
    );
  }
  if (!opts.commit) return { mode: "plan", plan, committed: null, declined: false };
  if (opts.confirm !== null && !await opts.confirm(plan)) {
    return { mode: "plan", plan, committed: null, declined: true };
  }
  return { mode: "plan", plan, committed: await executePlan(plan), declined: false };
}
