/**
 * The demo pipeline behind `deno task demo`.
 *
 * @module
 */
export { runDemo } from "./run_demo.ts";
export type { DemoResult, DryRunBand, RunDemoOptions } from "./run_demo.ts";
