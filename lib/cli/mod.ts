/**
 * Shared plumbing for `tasks/`: the task wrapper and the progress bar.
 *
 * @module
 */
export { describeError, runTask } from "./run_task.ts";
export { Progress } from "./progress.ts";
export { parseDenoTestSummary } from "./test_summary.ts";
export type { TestCounts } from "./test_summary.ts";
export { defineTask, HelpShown, parseFlags } from "./flags.ts";
export { SHARED_FLAGS } from "./shared_flags.ts";
export {
  CHROMIUM_ENV,
  findChromium,
  missingLine,
  missingRequirements,
  TEST_REQUIREMENTS,
} from "./preflight.ts";
