/**
 * The box rule both decision files share (JSON Schema cannot order two items).
 *
 * @module
 */
import type { Box } from "../types.ts";
import type { RecordProblem } from "./jsonl_store.ts";

/** A box problem (x1 < x2, y1 < y2 broken) at `field`, or null (also for no box). */
export function boxProblem(box: Box | null, field: string): RecordProblem | null {
  if (box === null) return null;
  const [x1, y1, x2, y2] = box;
  if (!(x1 < x2 && y1 < y2)) {
    return { field, message: `box [${box.join(", ")}] must have x1 < x2 and y1 < y2` };
  }
  return null;
}
