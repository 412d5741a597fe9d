/**
 * The closed loop: reviews become training labels; before/after comparison.
 *
 * @module
 */
export { runClosedLoop, scriptedReview } from "./run_closed_loop.ts";
export type { ClosedLoopOptions, ClosedLoopResult, LoopScores } from "./run_closed_loop.ts";
