/**
 * The demo pipeline behind `deno task demo`.
 *
 * @module
 */
export { bandApprovals, dryRunBand, runDemo } from "./run_demo.ts";
export type { DemoResult, RunDemoOptions } from "./run_demo.ts";
