/**
 * Box geometry: intersection over union, the one overlap measure of keeper (crop training and
 * scoring, detector non-maximum suppression, extraction and decision scoring).
 *
 * @module
 */

/**
 * Intersection over union of two `[x1, y1, x2, y2]` boxes (normalised or in pixels: any unit,
 * the same for both).
 *
 * @param a First box.
 * @param b Second box.
 * @returns IoU in [0, 1]; 0 when the boxes do not overlap or either has no area.
 * @example
 * ```ts
 * iou([0, 0, 1, 1], [0, 0, 0.5, 1]); // 0.5
 * iou([0, 0, 10, 10], [5, 0, 15, 10]); // 1/3
 * ```
 */
export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const ih = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = iw * ih;
  if (!(inter > 0)) return 0;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}
