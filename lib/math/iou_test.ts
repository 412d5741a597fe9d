import assert from "node:assert/strict";
import { iou } from "./iou.ts";

Deno.test("iou() is 1 for equal boxes, 0 for disjoint or touching ones, 1/3 for half overlap", () => {
  assert.equal(iou([0, 0, 10, 10], [0, 0, 10, 10]), 1);
  assert.equal(iou([0, 0, 0.2, 0.2], [0.5, 0.5, 1, 1]), 0);
  assert.equal(iou([0, 0, 1, 1], [1, 0, 2, 1]), 0);
  assert.ok(Math.abs(iou([0, 0, 10, 10], [5, 0, 15, 10]) - 1 / 3) < 1e-12);
  assert.ok(Math.abs(iou([0, 0, 1, 1], [0, 0, 0.5, 1]) - 0.5) < 1e-12);
});

Deno.test("iou() is 0 for a box without area and for NaN coordinates", () => {
  assert.equal(iou([0, 0, 0, 1], [0, 0, 1, 1]), 0);
  assert.equal(iou([0, 0, Number.NaN, 1], [0, 0, 1, 1]), 0);
});
