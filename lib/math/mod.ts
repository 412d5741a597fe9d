/**
 * Pure math shared across folders: box overlap and vector helpers. No I/O, no models.
 *
 * ```ts
 * import { cosine, iou, l2normalize, median } from "../math/mod.ts";
 * const overlap = iou([0, 0, 1, 1], [0, 0, 0.5, 1]); // 0.5
 * ```
 *
 * @module
 */
export { iou } from "./iou.ts";
export { cosine, cosineDistance, l2normalize, median } from "./vector_math.ts";
