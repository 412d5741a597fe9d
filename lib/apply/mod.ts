/**
 * Carry out approved decisions safely inside the sandbox: plan (dry-run),
 * execute under a write-ahead journal, recover after a crash, roll back, and
 * a FileTracker-compatible audit log. Also the fixture and inventory helpers
 * the fault-injection tests and benchmarks use.
 *
 * @module
 */
export { DEFAULT_FOLDERS, planApply } from "./plan_apply.ts";
export { executePlan } from "./execute_plan.ts";
export { recover } from "./recover.ts";
export { rollback } from "./rollback.ts";
export { runApply } from "./run_apply.ts";
export { diffInventories, inventoryTree } from "./inventory_tree.ts";
export type { Inventory } from "./inventory_tree.ts";
export type { ApplyFolders, ApplyPlan, ApplySummary } from "./types.ts";
// For the fault-injection harnesses under tests/: what a crashed run left on disk.
export { readJournal } from "./_journal.ts";
export { readPlanFile } from "./_plan_file.ts";
