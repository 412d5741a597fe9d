/**
 * Carry out approved decisions safely inside the sandbox: plan (dry-run),
 * execute under a write-ahead journal, recover after a crash, roll back, and
 * a FileTracker-compatible audit log. Also the fixture and inventory helpers
 * the fault-injection tests and benchmarks use.
 *
 * @module
 */
export { DEFAULT_FOLDERS, newRunId, planApply, RUN_ID_PATTERN } from "./plan_apply.ts";
export type { PlanApplyOptions } from "./plan_apply.ts";
export { executePlan, runPaths } from "./execute_plan.ts";
export type { ExecutePlanOptions } from "./execute_plan.ts";
export { recover } from "./recover.ts";
export { TreeChangedError } from "./_guard.ts";
export type { RecoverOptions } from "./recover.ts";
export { rollback } from "./rollback.ts";
export type { RollbackOptions } from "./rollback.ts";
export { diffInventories, inventoryTree } from "./inventory_tree.ts";
export type { Inventory, InventoryOptions } from "./inventory_tree.ts";
export type {
  ApplyFolders,
  ApplyPlan,
  ApplySummary,
  PlanGroup,
  PlanProblem,
  PlanStep,
  PlanTotals,
  ProblemKind,
  StepKind,
} from "./types.ts";
// For the fault-injection harnesses under tests/: what a crashed run left on disk.
export { readJournal } from "./_journal.ts";
export { readPlanFile } from "./_plan_file.ts";
