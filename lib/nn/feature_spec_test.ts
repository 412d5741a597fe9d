import assert from "node:assert/strict";
import { applyStandardiser, standardiser } from "./feature_spec.ts";

Deno.test("standardiser() zeroes a column that was constant in training wherever it varies later", () => {
  // Column 0 varies, column 1 is always 0 in training (e.g. pixels absent).
  const x = new Float32Array([1, 0, 3, 0, 5, 0]);
  const norm = standardiser(x, 3, 2);
  assert.equal(norm.invStd[1], 0);
  const later = applyStandardiser(new Float32Array([3, 7]), 2, norm);
  assert.equal(later[0], 0);
  assert.equal(later[1], 0);
  assert.ok(norm.invStd[0]! > 0);
});
