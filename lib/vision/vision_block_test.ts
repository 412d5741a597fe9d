import assert from "node:assert/strict";
import type { KeypointName, VisionKeypoint, VisionResult } from "./_types.ts";
import { subjectBox, unionBox } from "./subject_box.ts";
import {
  VISION_BLOCK_DIM,
  VISION_BLOCK_LAYOUT,
  visionBlock,
  visionBlockIndex,
} from "./vision_block.ts";

/** A standing person: face at the top, shoulders, hips, knees; nothing else. */
function person(): VisionResult {
  const kp = (part: KeypointName, x: number, y: number, score = 0.8): VisionKeypoint => ({
    part,
    x,
    y,
    score,
  });
  return {
    width: 400,
    height: 800,
    faces: [{ box: [0.4, 0.1, 0.6, 0.2], score: 0.9, detectorScore: 0.85, meshScore: 0.95 }],
    bodies: [{
      score: 0.7,
      keypoints: [
        kp("nose", 0.5, 0.15),
        kp("leftShoulder", 0.6, 0.3),
        kp("rightShoulder", 0.4, 0.32),
        kp("leftHip", 0.58, 0.55),
        kp("rightHip", 0.42, 0.55),
        kp("leftKnee", 0.57, 0.75, 0.1), // too unsure to count
        kp("rightKnee", 0.43, 0.76),
      ],
    }],
    hands: [{ box: [0.7, 0.5, 0.8, 0.6], score: 0.9 }, { box: [0.1, 0.9, 0.2, 1], score: 0.4 }],
    persons: [],
    objects: [],
    subject: null,
    embedding: null,
  };
}

Deno.test("unionBox() covers every box and clamps to the image", () => {
  assert.deepEqual(unionBox([[0.1, 0.2, 0.5, 0.5], [0.4, -0.1, 1.2, 0.6]]), [0.1, 0, 1, 0.6]);
  assert.equal(unionBox([]), null);
});

Deno.test("subjectBox() joins head, keypoints and confident hands, and skips unsure ones", () => {
  const box = subjectBox(person())!;
  // head grown above the face (0.1 - 0.35 * 0.1), the confident hand reaches x = 0.8
  assert.ok(Math.abs(box[1] - 0.065) < 1e-9, `top ${box[1]}`);
  assert.equal(box[2], 0.8);
  // the 0.4 hand at the bottom-left is ignored, the unsure left knee too
  assert.ok(box[0] > 0.3 && box[3] < 0.8, JSON.stringify(box));
});

Deno.test("subjectBox() ignores hands when nothing else says there is a person", () => {
  const r = { ...person(), faces: [], bodies: [] };
  assert.equal(subjectBox(r), null);
});

Deno.test("visionBlock() writes heights, flags and evidence at their layout positions", () => {
  const r = person();
  r.subject = subjectBox(r);
  const b = visionBlock(r);
  const at = (n: typeof VISION_BLOCK_LAYOUT[number]): number => b[visionBlockIndex(n)]!;
  assert.equal(b.length, VISION_BLOCK_DIM);
  assert.ok(Math.abs(at("head_top_y") - 0.065) < 1e-6);
  assert.ok(Math.abs(at("shoulders_y") - 0.31) < 1e-6);
  assert.ok(Math.abs(at("hips_y") - 0.55) < 1e-6);
  assert.ok(Math.abs(at("knees_y") - 0.76) < 1e-6, "only the confident knee counts");
  assert.equal(at("has_ankles"), 0);
  assert.equal(at("ankles_y"), 0);
  assert.ok(Math.abs(at("face_score") - 0.9) < 1e-6);
  assert.ok(Math.abs(at("hand_count") - 0.5) < 1e-6);
  assert.ok(Math.abs(at("keypoint_fraction") - 6 / 17) < 1e-6);
});

Deno.test("visionBlock() reads the whole image and zero evidence when there is no person", () => {
  const r: VisionResult = { ...person(), faces: [], bodies: [], hands: [], subject: null };
  const b = visionBlock(r);
  assert.deepEqual([...b.slice(0, 5)], [0, 0, 1, 1, 0]);
  const obj = visionBlockIndex("object_x1");
  assert.equal(b.slice(5, obj).reduce((a, v) => a + v, 0), 0);
  assert.deepEqual([...b.slice(obj)], [0, 0, 1, 1, 0], "no object: whole image, score 0");
});

Deno.test("visionBlock() estimates the head top from eyes and ears when no face was found", () => {
  const kp = (part: KeypointName, x: number, y: number): VisionKeypoint => ({
    part,
    x,
    y,
    score: 0.9,
  });
  const r: VisionResult = {
    ...person(),
    faces: [],
    bodies: [{ score: 0.8, keypoints: [kp("leftEar", 0.55, 0.2), kp("rightEar", 0.45, 0.2)] }],
  };
  const b = visionBlock(r);
  // head width 0.1 of the width = 0.05 of the height (400x800); top = 0.2 - 0.9 * 0.05
  assert.ok(Math.abs(b[visionBlockIndex("head_top_y")]! - 0.155) < 1e-6);
  assert.equal(b[visionBlockIndex("has_head_top")], 1);
});
