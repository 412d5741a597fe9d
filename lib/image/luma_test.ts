import assert from "node:assert/strict";
import { lumaOf } from "./mod.ts";

Deno.test("lumaOf() weighs RGB by Rec. 601 and passes grey through", () => {
  const rgb = lumaOf({
    data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]),
    width: 3,
    height: 1,
    channels: 3,
  });
  assert.deepEqual([...rgb].map((v) => Math.round(v * 1000) / 1000), [76.245, 149.685, 29.07]);
  assert.deepEqual([
    ...lumaOf({ data: new Uint8Array([7, 200]), width: 2, height: 1, channels: 1 }),
  ], [7, 200]);
  const rgba = lumaOf({ data: new Uint8Array([10, 10, 10, 0]), width: 1, height: 1, channels: 4 });
  assert.ok(Math.abs(rgba[0]! - 10) < 1e-4);
});
