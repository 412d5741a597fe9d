/**
 * Crops are checked at planning, not discovered broken mid-run: each crop's
 * box must be at least the reviewer's minimum size, and each crop source's
 * header must be readable and within keeper's pixel limit.
 *
 * @module
 */
import { join } from "node:path";
import { boxToPixels, MAX_PIXELS, probe } from "../image/mod.ts";
import type { PlanStep, ProblemKind } from "./types.ts";

/** Smallest crop side, as a share of the image side (the review page's crop box minimum). */
export const MIN_CROP_SIDE = 0.05;

/** One crop that cannot be made. */
export interface CropProblem {
  step: PlanStep;
  kind: ProblemKind;
  message: string;
}

/**
 * Problems of the crop steps in `steps` (sources under the real root `root`).
 *
 * @param root Real sandbox root.
 * @param steps Planned steps (only crops are looked at).
 * @param maxPixels keeper's pixel limit.
 * @returns One problem per crop that would fail.
 * @example
 * ```ts
 * declare const plan: { steps: Parameters<typeof cropProblems>[1] };
 * const bad = await cropProblems("/real/sandbox", plan.steps);
 * ```
 */
export async function cropProblems(
  root: string,
  steps: readonly PlanStep[],
  maxPixels: number = MAX_PIXELS,
): Promise<CropProblem[]> {
  const out: CropProblem[] = [];
  for (const s of steps) {
    if (s.kind !== "crop" || s.box === undefined) continue;
    const [x1, y1, x2, y2] = s.box;
    if (x2 - x1 < MIN_CROP_SIDE || y2 - y1 < MIN_CROP_SIDE) {
      out.push({
        step: s,
        kind: "crop_too_small",
        message: `crop ${JSON.stringify(s.box)} of "${s.source}" is smaller than ` +
          `${MIN_CROP_SIDE * 100}% of a side (the review page's minimum); crop it again`,
      });
      continue;
    }
    let head: { width: number; height: number };
    try {
      head = await probe(join(root, ...s.source.split("/")));
    } catch (error) {
      out.push({
        step: s,
        kind: "unreadable_image",
        message: `crop source "${s.source}" has no readable image header ` +
          `(${error instanceof Error ? error.message : String(error)})`,
      });
      continue;
    }
    if (head.width < 1 || head.height < 1 || head.width * head.height > maxPixels) {
      out.push({
        step: s,
        kind: "image_too_large",
        message: `crop source "${s.source}" is ${head.width}x${head.height}, outside keeper's ` +
          `pixel limit (1 to ${maxPixels} pixels); crop it by hand (manual crop) instead`,
      });
      continue;
    }
    const r = boxToPixels(s.box, head);
    if (r.left + 1 > head.width || r.top + 1 > head.height) {
      out.push({
        step: s,
        kind: "crop_too_small",
        message: `crop ${JSON.stringify(s.box)} of "${s.source}" (${head.width}x${head.height}) ` +
          `leaves no pixel`,
      });
    }
  }
  return out;
}
