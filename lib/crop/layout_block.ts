/**
 * A coarse spatial "layout" block for crops: on an 8×8 grid over the image,
 * mean luma and mean gradient energy (where the detailed subject is). The
 * built-in block has no spatial map, and without one a box head can only
 * learn a per-project constant. lib/blocks computes it from lib/embed's one
 * decode (the `layout` pixel block) and caches it.
 *
 * @module
 */

/** Name of the block in `ImageFeatures.blocks`. */
export const LAYOUT_BLOCK = "layout";
/** Grid cells per side. */
export const LAYOUT_GRID = 8;

/**
 * Layout block of grey pixels `side × side` (side a multiple of the grid).
 *
 * @param grey Row-major grey values 0-255.
 * @param side Width = height.
 * @returns `2·GRID²` values: luma means (0-1) then gradient energies.
 * @example
 * ```ts
 * layoutFromGrey(new Uint8Array(24 * 24), 24);
 * ```
 */
export function layoutFromGrey(grey: Uint8Array, side: number): Float32Array {
  const g = LAYOUT_GRID, cell = side / g;
  const out = new Float32Array(2 * g * g);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = grey[y * side + x]! / 255;
      const dx = x + 1 < side ? grey[y * side + x + 1]! / 255 - v : 0;
      const dy = y + 1 < side ? grey[(y + 1) * side + x]! / 255 - v : 0;
      const c = Math.floor(y / cell) * g + Math.floor(x / cell);
      out[c]! += v / (cell * cell);
      out[g * g + c]! += Math.sqrt(dx * dx + dy * dy) / (cell * cell);
    }
  }
  return out;
}
