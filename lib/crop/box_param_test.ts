import assert from "node:assert/strict";
import { boxLoss, decodeBox, encodeBox } from "./box_param.ts";
import type { Box } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";

Deno.test("decodeBox() stays inside the image and keeps the aspect ratio for any logits", () => {
  const rand = mulberry32(1);
  for (let i = 0; i < 500; i++) {
    const [x1, y1, x2, y2] = decodeBox(rand() * 30 - 15, rand() * 30 - 15, rand() * 30 - 15);
    assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 1 + 1e-12 && y2 <= 1 + 1e-12);
    assert.ok(Math.abs((x2 - x1) - (y2 - y1)) < 1e-12);
  }
});

Deno.test("encodeBox() inverts decodeBox() for an aspect-locked box", () => {
  const box: Box = [0.1, 0.05, 0.7, 0.65];
  const back = decodeBox(...encodeBox(box));
  box.forEach((v, i) => assert.ok(Math.abs(v - back[i]!) < 1e-6));
});

Deno.test("boxLoss() gradient matches finite differences", () => {
  const rand = mulberry32(7);
  const eps = 1e-6;
  let checked = 0;
  for (let t = 0; t < 50; t++) {
    const a = rand() * 4 - 2, b = rand() * 4 - 2, c = rand() * 4 - 2;
    const s = 0.3 + rand() * 0.6, x = rand() * (1 - s), y = rand() * (1 - s);
    const target: Box = [x, y, x + s, y + s];
    const { grad } = boxLoss(a, b, c, target, 0.2);
    const args = [a, b, c];
    for (let k = 0; k < 3; k++) {
      const up = [...args], down = [...args];
      up[k]! += eps;
      down[k]! -= eps;
      const num = (boxLoss(up[0]!, up[1]!, up[2]!, target, 0.2).loss -
        boxLoss(down[0]!, down[1]!, down[2]!, target, 0.2).loss) / (2 * eps);
      assert.ok(Math.abs(num - grad[k]!) < 1e-4, `k=${k} numeric ${num} analytic ${grad[k]}`);
      checked++;
    }
  }
  assert.equal(checked, 150);
});
