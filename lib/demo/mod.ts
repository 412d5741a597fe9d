/**
 * The demo pipeline behind `deno task demo`.
 *
 * @module
 */
export { runDemo } from "./run_demo.ts";
export type { DemoResult } from "./run_demo.ts";
