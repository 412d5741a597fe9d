import assert from "node:assert/strict";
import { cropCoverage, cropShape } from "./mod.ts";

Deno.test("cropCoverage() marks cells inside the box", () => {
  const cells = cropCoverage([[0, 0, 0.5, 0.5]], 2);
  assert.deepEqual(cells.map((c) => c.share), [1, 0, 0, 0]);
});

Deno.test("cropShape() reports mean box, top anchoring and side", () => {
  const s = cropShape([[0.1, 0, 0.9, 0.8], [0.2, 0.1, 0.8, 0.7]]);
  assert.equal(s.count, 2);
  assert.equal(s.top_anchored, 0.5);
  assert.ok(Math.abs(s.mean_box[0] - 0.15) < 1e-12);
  assert.ok(Math.abs(s.mean_side - 0.7) < 1e-12);
  assert.ok(s.median_aspect_gap < 1e-12);
});

Deno.test("cropShape() of no boxes is all zeros", () => {
  assert.deepEqual(cropShape([]).mean_box, [0, 0, 0, 0]);
});
