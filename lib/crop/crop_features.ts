/**
 * The crop proposer's input vector: image feature blocks, size, aspect,
 * stage one-hot and project one-hot.
 *
 * @module
 */
import type { GroupMemberInput, Stage } from "../types.ts";
import { type FeatureSpec, specSize, writeImageVector } from "../nn/mod.ts";

/** Stages with their own one-hot column; anything else is "other". */
export const STAGE_COLUMNS: readonly number[] = [1, 1.5, 2, 3];

/** Everything needed to lay out a crop input vector. */
export interface CropFeatureLayout {
  image: FeatureSpec;
  /** Projects with their own one-hot column (others share the last one). */
  projects: string[];
}

/** Length of the crop input vector. */
export function cropInputSize(layout: CropFeatureLayout): number {
  return specSize(layout.image) + 3 + STAGE_COLUMNS.length + 1 + layout.projects.length + 1;
}

/** Write a stage one-hot (`STAGE_COLUMNS` + other) at `offset`. */
export function writeStageOneHot(stage: Stage, out: Float32Array, offset: number): number {
  const k = stage === null ? -1 : STAGE_COLUMNS.indexOf(stage);
  out[offset + (k >= 0 ? k : STAGE_COLUMNS.length)] = 1;
  return offset + STAGE_COLUMNS.length + 1;
}

/**
 * Write one member's crop input vector into `out` at row `row`.
 *
 * @param m The image.
 * @param layout Feature layout.
 * @param out Row-major destination.
 * @param row Row index.
 * @example
 * ```ts
 * type Args = Parameters<typeof writeCropInput>;
 * declare const member: Args[0], layout: Args[1], x: Float32Array;
 * writeCropInput(member, layout, x, 0);
 * ```
 */
export function writeCropInput(
  m: GroupMemberInput,
  layout: CropFeatureLayout,
  out: Float32Array,
  row: number,
): void {
  const d = cropInputSize(layout);
  let o = writeImageVector(m.features, layout.image, out, row * d);
  const w = Math.max(1, m.width), h = Math.max(1, m.height);
  out[o++] = Math.log2(w / 1024);
  out[o++] = Math.log2(h / 1024);
  out[o++] = Math.log(w / h);
  o = writeStageOneHot(m.stage, out, o);
  const p = layout.projects.indexOf(m.project);
  out[o + (p >= 0 ? p : layout.projects.length)] = 1;
}
