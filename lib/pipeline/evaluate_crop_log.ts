/**
 * `evaluateCropLog()`: the pixel-free crop evaluation of `deno task evaluate
 * --crop-log <csv> --project-map <file> --pixel-free` — read the creator's
 * crop log, then score the proposer over several seeded splits.
 *
 * @module
 */
import {
  evaluateCropPixelFree,
  type PixelFreeOptions,
  type PixelFreeResult,
} from "./crop_pixel_free.ts";
import { readCropLog } from "./read_crop_log.ts";

/** What {@linkcode evaluateCropLog} returns (`evaluate --pixel-free --json`). */
export interface CropLogEvaluation extends PixelFreeResult {
  /** Rows of the log that were not crop labels (bad or foreign rows). */
  rejected_rows: number;
}

/**
 * Evaluate the pixel-free crop proposer on a crop log.
 *
 * @param csv The crop log (`select_crop_log.csv`).
 * @param projectMap The project map JSON naming each row's project.
 * @param options Seeds, split fractions, progress per seed.
 * @returns The means over seeds, with the count of rejected rows.
 * @example
 * ```ts
 * const r = await evaluateCropLog("select_crop_log.csv", "project_map.json", { seeds: [1, 2] });
 * r.mean_iou - r.baselines.median_box;
 * ```
 */
export async function evaluateCropLog(
  csv: string,
  projectMap: string,
  options: PixelFreeOptions = {},
): Promise<CropLogEvaluation> {
  const { labels, rejections } = await readCropLog(csv, projectMap);
  const r = await evaluateCropPixelFree(labels, options);
  return { ...r, rejected_rows: rejections.length };
}
