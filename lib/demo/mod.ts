/**
 * The demo pipeline behind `deno task demo`.
 *
 * @module
 */
export { dryRunBand, runDemo } from "./run_demo.ts";
