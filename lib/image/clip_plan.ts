/**
 * The geometry of CLIP's preprocessing (torchvision `Resize(size)` on the
 * shortest side, then `CenterCrop(size)`), reproduced exactly, including
 * Python's truncation and round-half-to-even.
 *
 * @module
 */

/** Where to resize and what to keep. */
export interface ClipPlan {
  /** Size after the shortest-side resize. */
  width: number;
  height: number;
  /** Top-left of the centred square. */
  left: number;
  top: number;
  /** Side of the square. */
  size: number;
}

/** Python 3 `round()` (half to even). */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Plan CLIP's resize + centre crop for an image.
 *
 * @param width Source width.
 * @param height Source height.
 * @param size Target side (224 for ViT-B/32).
 * @returns The plan.
 * @example
 * ```ts
 * clipPlan(1024, 1536, 224); // { width: 224, height: 336, left: 0, top: 56, size: 224 }
 * ```
 */
export function clipPlan(width: number, height: number, size: number): ClipPlan {
  if (!(width > 0 && height > 0 && size > 0)) {
    throw new RangeError(`Cannot plan resize: invalid size ${width}x${height} -> ${size}`);
  }
  let w: number;
  let h: number;
  // torchvision: the short side becomes `size`, the long side int(size * long / short).
  if (width <= height) {
    w = size;
    h = Math.trunc((size * height) / width);
  } else {
    h = size;
    w = Math.trunc((size * width) / height);
  }
  return {
    width: w,
    height: h,
    left: pyRound((w - size) / 2),
    top: pyRound((h - size) / 2),
    size,
  };
}
