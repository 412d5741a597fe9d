import assert from "node:assert/strict";
import type { Box } from "./api.ts";
import { dragBox } from "./crop_box.tsx";

const close = (a: Box, b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 1e-9);
const ratio = (b: Box) => (b[3] - b[1]) / (b[2] - b[0]);

Deno.test("dragBox() moves the whole box and keeps it inside the image", () => {
  const b: Box = [0.2, 0.2, 0.6, 0.5];
  assert.ok(close(dragBox(b, "move", 0.1, 0.1, true), [0.3, 0.3, 0.7, 0.6]));
  assert.ok(close(dragBox(b, "move", 0.9, -0.9, true), [0.6, 0, 1, 0.3]));
});

Deno.test("dragBox() keeps the aspect ratio when locked and anchors the opposite corner", () => {
  const b: Box = [0.2, 0.2, 0.6, 0.5];
  const se = dragBox(b, "se", 0.2, 0.01, true);
  assert.ok(Math.abs(ratio(se) - ratio(b)) < 1e-9);
  assert.deepEqual([se[0], se[1]], [0.2, 0.2]);
  const nw = dragBox(b, "nw", -0.5, -0.5, true);
  assert.ok(Math.abs(ratio(nw) - ratio(b)) < 1e-9);
  assert.ok(nw[0] >= 0 && nw[1] >= 0);
  assert.deepEqual([nw[2], nw[3]], [0.6, 0.5]);
});

Deno.test("dragBox() resizes each axis freely when unlocked", () => {
  const b: Box = [0.2, 0.2, 0.6, 0.5];
  assert.ok(close(dragBox(b, "se", 0.1, 0.3, false), [0.2, 0.2, 0.7, 0.8]));
});
