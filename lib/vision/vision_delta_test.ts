import assert from "node:assert/strict";
import { VISION_BLOCK_DIM, visionBlockIndex, type VisionBlockName } from "./vision_block.ts";
import {
  VISION_DELTA_DIM,
  VISION_DELTA_LAYOUT,
  visionDelta,
  visionReasons,
} from "./vision_delta.ts";

function block(values: Partial<Record<VisionBlockName, number>>): Float32Array {
  const b = new Float32Array(VISION_BLOCK_DIM);
  for (const [k, v] of Object.entries(values)) b[visionBlockIndex(k as VisionBlockName)] = v;
  return b;
}

Deno.test("visionDelta() gives change from the previous stage, the group max and mean", () => {
  const blocks = [
    block({ face_count: 1 / 3, face_score: 0.9 }),
    block({ face_count: 1 / 3, face_score: 0.4 }),
    block({ face_count: 0, face_score: 0 }),
  ];
  const d = visionDelta(blocks);
  assert.equal(d.length, 3);
  assert.equal(d[0]!.length, VISION_DELTA_DIM);
  const at = (m: number, name: string): number => d[m]![VISION_DELTA_LAYOUT.indexOf(name)]!;
  assert.equal(at(0, "face_score_d_prev"), 0);
  assert.ok(Math.abs(at(1, "face_score_d_prev") + 0.5) < 1e-6);
  assert.ok(Math.abs(at(2, "face_score_d_max") + 0.9) < 1e-6);
  assert.ok(Math.abs(at(0, "face_score_d_mean") - (0.9 - 1.3 / 3)) < 1e-6);
  assert.ok(Math.abs(at(2, "face_count_d_prev") + 1 / 3) < 1e-6);
});

Deno.test("visionReasons() cites a falling face confidence with both values", () => {
  const r = visionReasons(
    [
      block({ face_count: 1 / 3, face_score: 0.93 }),
      block({ face_count: 1 / 3, face_score: 0.41 }),
    ],
    ["stage 1", "stage 2"],
  );
  assert.deepEqual(r, [[], ["stage 2: face confidence fell from 0.93 to 0.41"]]);
});

Deno.test("visionReasons() says a face vanished and stays quiet about small changes", () => {
  const r = visionReasons(
    [
      block({ face_count: 1 / 3, face_score: 0.9, hand_count: 0.25, hand_score_max: 0.8 }),
      block({ face_count: 1 / 3, face_score: 0.85, hand_count: 0.25, hand_score_max: 0.75 }),
      block({ face_count: 0, hand_count: 0.25, hand_score_max: 0.74 }),
    ],
    ["stage 1", "stage 1.5", "stage 2"],
  );
  assert.deepEqual(r[1], []);
  assert.deepEqual(r[2], ["stage 2: face vanished (0.85 at stage 1.5)"]);
});

Deno.test("visionReasons() refuses labels that do not match the blocks", () => {
  assert.throws(() => visionReasons([block({})], []), RangeError);
});
