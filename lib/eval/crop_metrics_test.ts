import assert from "node:assert/strict";
import type { Box } from "../types.ts";
import { cropBaselines } from "./crop_metrics.ts";

Deno.test("cropBaselines() scores each project's own median box beside the global one", () => {
  const a: Box = [0, 0, 0.5, 0.5], b: Box = [0.5, 0.5, 1, 1];
  const train = [
    ...Array.from({ length: 5 }, () => ({ project: "a", box: a })),
    ...Array.from({ length: 4 }, () => ({ project: "b", box: b })),
  ];
  const test = [{ project: "a", box: a }, { project: "b", box: b }];
  const r = cropBaselines(train, test);
  assert.equal(r.project_median, 1);
  // The global median is project a's box: right for a, disjoint from b.
  assert.equal(r.median_box, 0.5);
});
