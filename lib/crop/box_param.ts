/**
 * The crop box parametrisation and its IoU loss. The head outputs three
 * numbers `(a, b, c)`; the box is
 * `s = sMin + (1 - sMin)·σ(a)`, `x1 = (1 - s)·σ(b)`, `y1 = (1 - s)·σ(c)`,
 * `[x1, y1, x1 + s, y1 + s]` in normalised coordinates — always inside the
 * image and always the source aspect ratio (equal normalised width and
 * height). A low `σ(c)` is the top-anchor tendency; its bias is learned.
 *
 * @module
 */
import type { Box } from "../types.ts";

/** Smallest side the parametrisation can produce (normalised). */
export const S_MIN = 0.1;

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * Decode head outputs to a box.
 *
 * @param a Scale logit.
 * @param b Horizontal position logit.
 * @param c Vertical position logit.
 * @returns The normalised box.
 * @example
 * ```ts
 * decodeBox(0, 0, 0); // centred box of side 0.55
 * ```
 */
export function decodeBox(a: number, b: number, c: number): Box {
  const s = S_MIN + (1 - S_MIN) * sigmoid(a);
  const x = (1 - s) * sigmoid(b), y = (1 - s) * sigmoid(c);
  return [x, y, x + s, y + s];
}

/**
 * Inverse of {@linkcode decodeBox} for an aspect-locked box (the mean of
 * its width and height is used as the side); logits are clamped to ±8.
 *
 * @param box A normalised box.
 * @returns Logits `[a, b, c]`.
 * @example
 * ```ts
 * encodeBox([0, 0, 0.5, 0.5]);
 * ```
 */
export function encodeBox(box: Box): [number, number, number] {
  const logit = (p: number) => Math.max(-8, Math.min(8, Math.log(p / (1 - p))));
  const s = Math.min(1, Math.max(S_MIN, ((box[2] - box[0]) + (box[3] - box[1])) / 2));
  const free = 1 - s;
  const px = free > 1e-6 ? Math.min(Math.max(box[0] / free, 1e-4), 1 - 1e-4) : 0.5;
  const py = free > 1e-6 ? Math.min(Math.max(box[1] / free, 1e-4), 1 - 1e-4) : 0.5;
  return [
    logit(Math.min(Math.max((s - S_MIN) / (1 - S_MIN), 1e-4), 1 - 1e-4)),
    logit(px),
    logit(py),
  ];
}

/** Loss of one box and its gradient w.r.t. the logits. */
export interface BoxLoss {
  loss: number;
  iou: number;
  grad: [number, number, number];
}

/**
 * `(1 - IoU) + l1 · mean |corner error|` for logits `(a, b, c)` against a
 * target box, with the exact gradient w.r.t. the logits. The L1 term keeps
 * a gradient when boxes do not overlap.
 *
 * @param a Scale logit.
 * @param b Horizontal logit.
 * @param c Vertical logit.
 * @param target Target box.
 * @param l1 Weight of the corner L1 term.
 * @returns Loss, IoU and gradient.
 * @example
 * ```ts
 * boxLoss(0, 0, -1, [0, 0, 0.8, 0.8], 0.1).grad;
 * ```
 */
export function boxLoss(a: number, b: number, c: number, target: Box, l1: number): BoxLoss {
  const sa = sigmoid(a), sb = sigmoid(b), sc = sigmoid(c);
  const s = S_MIN + (1 - S_MIN) * sa;
  const x1 = (1 - s) * sb, y1 = (1 - s) * sc, x2 = x1 + s, y2 = y1 + s;
  // Gradients w.r.t. the corners (px1, py1, px2, py2).
  let g1 = 0, g2 = 0, g3 = 0, g4 = 0;
  let value = 0;
  const iw = Math.min(x2, target[2]) - Math.max(x1, target[0]);
  const ih = Math.min(y2, target[3]) - Math.max(y1, target[1]);
  let overlap = 0;
  if (iw > 0 && ih > 0) {
    const inter = iw * ih;
    const ap = s * s;
    const union = ap + (target[2] - target[0]) * (target[3] - target[1]) - inter;
    overlap = inter / union;
    value += 1 - overlap;
    // dIoU = dI·(1/U + I/U²) − dAp·I/U²; loss gradient is its negative.
    const kI = 1 / union + inter / (union * union), kA = inter / (union * union);
    const dIx1 = x1 > target[0] ? -ih : 0, dIx2 = x2 < target[2] ? ih : 0;
    const dIy1 = y1 > target[1] ? -iw : 0, dIy2 = y2 < target[3] ? iw : 0;
    g1 -= kI * dIx1 - kA * -s;
    g3 -= kI * dIx2 - kA * s;
    g2 -= kI * dIy1 - kA * -s;
    g4 -= kI * dIy2 - kA * s;
  } else {
    value += 1;
  }
  const corners = [x1, y1, x2, y2];
  for (let i = 0; i < 4; i++) {
    const e = corners[i]! - target[i]!;
    value += (l1 / 4) * Math.abs(e);
    const g = (l1 / 4) * Math.sign(e);
    if (i === 0) g1 += g;
    else if (i === 1) g2 += g;
    else if (i === 2) g3 += g;
    else g4 += g;
  }
  const dx1 = g1 + g3, dy1 = g2 + g4, ds = g3 + g4;
  const dsTotal = ds - dx1 * sb - dy1 * sc;
  return {
    loss: value,
    iou: overlap,
    grad: [
      dsTotal * (1 - S_MIN) * sa * (1 - sa),
      dx1 * (1 - s) * sb * (1 - sb),
      dy1 * (1 - s) * sc * (1 - sc),
    ],
  };
}
