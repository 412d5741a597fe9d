/**
 * Crop-geometry summaries shared by the notebooks: a coverage heat map and
 * the shape statistics of a set of normalised crop boxes.
 *
 * @module
 */
import type { Box } from "../types.ts";

/** One cell of {@linkcode cropCoverage}. */
export interface CoverageCell {
  /** Cell centre, normalised. */
  x: number;
  y: number;
  /** Share of boxes that contain the cell centre. */
  share: number;
}

/**
 * How often each point of the frame lies inside the crop: an `n` × `n` grid
 * of shares (a heat map of kept regions).
 *
 * @param boxes Normalised boxes.
 * @param n Grid cells per side.
 * @returns Cells in row-major order.
 * @example
 * ```ts
 * cropCoverage([[0, 0, 0.5, 0.5]], 2); // share 1 in the top-left cell, 0 elsewhere
 * ```
 */
export function cropCoverage(boxes: readonly Box[], n = 40): CoverageCell[] {
  const cells: CoverageCell[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = (i + 0.5) / n;
      const y = (j + 0.5) / n;
      let inside = 0;
      for (const b of boxes) if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) inside++;
      cells.push({ x, y, share: boxes.length > 0 ? inside / boxes.length : 0 });
    }
  }
  return cells;
}

/** Shape statistics of crop boxes. */
export interface CropShape {
  count: number;
  /** Mean box `[x1, y1, x2, y2]`. */
  mean_box: Box;
  /** Share with y1 within `edge` of the top (head kept, bottom cut). */
  top_anchored: number;
  /** Mean of max(width, height) — the crop side. */
  mean_side: number;
  /** Median |width − height| (aspect kept when ≈ 0 on square images). */
  median_aspect_gap: number;
}

/**
 * Mean box, top-anchoring share, mean side and aspect gap of crop boxes.
 *
 * @param boxes Normalised boxes.
 * @param edge Distance from the top edge that still counts as anchored.
 * @returns The statistics (zeros when empty).
 * @example
 * ```ts
 * cropShape([[0.1, 0, 0.9, 0.8]]).top_anchored; // 1
 * ```
 */
export function cropShape(boxes: readonly Box[], edge = 0.005): CropShape {
  const n = boxes.length;
  const mean: Box = [0, 0, 0, 0];
  let top = 0;
  let side = 0;
  const gaps: number[] = [];
  for (const b of boxes) {
    for (let k = 0; k < 4; k++) mean[k] = mean[k]! + b[k]! / n;
    if (b[1] <= edge) top++;
    const w = b[2] - b[0];
    const h = b[3] - b[1];
    side += Math.max(w, h) / n;
    gaps.push(Math.abs(w - h));
  }
  gaps.sort((a, b) => a - b);
  return {
    count: n,
    mean_box: mean,
    top_anchored: n > 0 ? top / n : 0,
    mean_side: side,
    median_aspect_gap: gaps.length > 0 ? gaps[gaps.length >> 1]! : 0,
  };
}
