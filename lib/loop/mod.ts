/**
 * The closed loop: reviews become training labels; before/after comparison.
 *
 * @module
 */
export { runClosedLoop } from "./run_closed_loop.ts";
