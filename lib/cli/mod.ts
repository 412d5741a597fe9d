/**
 * Shared plumbing for `tasks/`: the task wrapper and the progress bar.
 *
 * @module
 */
export { describeError, runTask } from "./run_task.ts";
export type { RunTaskOptions } from "./run_task.ts";
export { Progress } from "./progress.ts";
export type { ProgressOptions } from "./progress.ts";
export { parseDenoTestSummary } from "./test_summary.ts";
export type { TestCounts } from "./test_summary.ts";
export {
  COMMON_FLAGS,
  defineTask,
  editDistance,
  formatHelp,
  HelpShown,
  parseFlags,
  suggestFlag,
} from "./flags.ts";
export type {
  BooleanFlag,
  Flag,
  FlagSpecs,
  FlagValues,
  FromWorkspace,
  ListFlag,
  ParsedFlags,
  ParseFlagsOptions,
  StringFlag,
  TaskSpec,
} from "./flags.ts";
export { SHARED_FLAGS } from "./shared_flags.ts";
export {
  CHROMIUM_ENV,
  findChromium,
  findExecutable,
  missingLine,
  missingRequirements,
  TEST_REQUIREMENTS,
} from "./preflight.ts";
export type { FindOptions, Requirement } from "./preflight.ts";
