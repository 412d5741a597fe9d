/**
 * Where two stages of a picture differ most: the square window (a quarter of
 * each side) with the largest summed luminance difference, found on small
 * grey copies. The loupe and the compare view's "jump to the change" use it,
 * so the eye goes to where a face swap or an upscaler changed the image.
 *
 * @module
 */
import type { Box, GroupView } from "./api.ts";

/** Side of the grey copies the difference is measured on. */
export const GRID = 64;

/** The region and how strong the change is there (mean abs difference, 0-255). */
export interface ChangeRegion {
  box: Box;
  strength: number;
}

/**
 * The window of `win`×`win` cells with the largest summed |a − b|.
 *
 * @param a Grey values, `GRID`×`GRID`, row-major.
 * @param b The same for the other image.
 * @param win Window side in cells (default a quarter of the grid).
 * @returns Normalised box and mean difference inside it.
 * @example
 * ```ts
 * largestChange(new Float32Array(4096), new Float32Array(4096)).strength; // 0
 * ```
 */
export function largestChange(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  win = GRID / 4,
): ChangeRegion {
  const n = GRID;
  // Integral image of the absolute difference.
  const sum = new Float64Array((n + 1) * (n + 1));
  for (let y = 0; y < n; y++) {
    let row = 0;
    for (let x = 0; x < n; x++) {
      row += Math.abs((a[y * n + x] ?? 0) - (b[y * n + x] ?? 0));
      sum[(y + 1) * (n + 1) + x + 1] = sum[y * (n + 1) + x + 1]! + row;
    }
  }
  let best = -1, bx = 0, by = 0;
  for (let y = 0; y + win <= n; y++) {
    for (let x = 0; x + win <= n; x++) {
      const s = sum[(y + win) * (n + 1) + x + win]! - sum[y * (n + 1) + x + win]! -
        sum[(y + win) * (n + 1) + x]! + sum[y * (n + 1) + x]!;
      if (s > best) {
        best = s;
        bx = x;
        by = y;
      }
    }
  }
  return {
    box: [bx / n, by / n, (bx + win) / n, (by + win) / n],
    strength: Math.max(0, best) / (win * win),
  };
}

/** The loupe's region: images `a` (the pick) and `b` differ most inside `box`. */
export interface Region {
  box: Box;
  a: number;
  b: number;
  strength: number;
}

/** Grey `GRID`×`GRID` copy of a loaded image. */
export function greyOf(img: HTMLImageElement): Float32Array {
  const c = document.createElement("canvas");
  c.width = GRID;
  c.height = GRID;
  const ctx = c.getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(img, 0, 0, GRID, GRID);
  const px = ctx.getImageData(0, 0, GRID, GRID).data;
  const out = new Float32Array(GRID * GRID);
  for (let i = 0; i < out.length; i++) {
    out[i] = 0.299 * px[i * 4]! + 0.587 * px[i * 4 + 1]! + 0.114 * px[i * 4 + 2]!;
  }
  return out;
}

/**
 * The stage to compare the pick with: the later stage it was kept over (the
 * one the reasons call worse), else the stage just before it (what its own
 * step changed). Null for a group of one.
 *
 * @param g The group.
 * @returns An image index, or null.
 * @example
 * ```ts
 * declare const group: Parameters<typeof compareTarget>[0];
 * compareTarget(group); // 3 when image 3 (stage 3) was passed over
 * ```
 */
export function compareTarget(g: GroupView): number | null {
  const pick = g.images[g.ai.choice];
  if (pick === undefined || g.images.length < 2) return null;
  const staged = g.images.filter((im) => im.index !== pick.index && im.stage !== null);
  const ps = pick.stage;
  if (ps !== null && staged.length > 0) {
    const later = staged.filter((im) => im.stage! > ps).sort((a, b) => a.stage! - b.stage!)[0];
    if (later !== undefined) return later.index;
    const before = staged.filter((im) => im.stage! < ps).sort((a, b) => b.stage! - a.stage!)[0];
    if (before !== undefined) return before.index;
  }
  return g.images.find((im) => im.index !== pick.index)!.index;
}
