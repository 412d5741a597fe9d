import assert from "node:assert/strict";
import { LAYOUT_GRID, layoutFromGrey } from "./mod.ts";

Deno.test("layoutFromGrey() puts luma and edge energy in the cell where the detail is", () => {
  const side = LAYOUT_GRID * 4;
  const grey = new Uint8Array(side * side);
  // A checkerboard patch in the top-left cell only.
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      grey[y * side + x] = (x + y) % 2 ? 255 : 0;
    }
  }
  const block = layoutFromGrey(grey, side);
  const g2 = LAYOUT_GRID * LAYOUT_GRID;
  assert.equal(block.length, 2 * g2);
  assert.ok(block[0]! > 0.4 && block[0]! < 0.6);
  assert.ok(block[g2]! > 0.5);
  for (let c = 1; c < g2; c++) assert.equal(block[c], 0);
  assert.ok(block[g2 + 1]! < block[g2]!);
});
