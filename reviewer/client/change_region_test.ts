import assert from "node:assert/strict";
import type { GroupView } from "./api.ts";
import { compareTarget, GRID, largestChange } from "./change_region.ts";
import { clampView, viewOf } from "./compare.tsx";

Deno.test("largestChange() finds the window where two grey images differ most", () => {
  const a = new Float32Array(GRID * GRID).fill(100);
  const b = a.slice();
  for (let y = 40; y < 52; y++) for (let x = 8; x < 20; x++) b[y * GRID + x] = 200;
  const c = largestChange(a, b);
  const cx = (c.box[0] + c.box[2]) / 2, cy = (c.box[1] + c.box[3]) / 2;
  assert.ok(cx > 8 / GRID && cx < 20 / GRID && cy > 40 / GRID && cy < 52 / GRID, `${c.box}`);
  assert.ok(c.strength > 50);
  assert.equal(largestChange(a, a.slice()).strength, 0);
});

Deno.test("compareTarget() compares the pick with the later stage it was kept over, else the one before", () => {
  const g = (pick: number, stages: (number | null)[]) =>
    ({
      images: stages.map((stage, index) => ({ index, stage })),
      ai: { choice: pick },
    }) as unknown as GroupView;
  assert.equal(compareTarget(g(1, [1, 2, 3])), 2);
  assert.equal(compareTarget(g(2, [1, 2, 3])), 1);
  assert.equal(compareTarget(g(0, [null, null])), 1);
  assert.equal(compareTarget(g(0, [1])), null);
});

Deno.test("clampView() keeps the view on the image; viewOf() fills the panes with a region", () => {
  const v = clampView({ mode: "side", index: 0, zoom: 4, cx: 0.99, cy: 0 });
  assert.deepEqual([v.cx, v.cy], [0.875, 0.125]);
  const r = viewOf([0.5, 0.5, 0.75, 0.75], { ...v, zoom: 1 });
  assert.deepEqual([r.zoom, r.cx, r.cy], [4, 0.625, 0.625]);
});
