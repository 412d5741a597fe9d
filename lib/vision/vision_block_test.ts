import assert from "node:assert/strict";
import type { KeypointName, VisionKeypoint, VisionResult } from "./_types.ts";
import type { Box } from "../types.ts";
import { bodyExtent, overlapShare, subjectBox, unionBox } from "./subject_box.ts";
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

Deno.test("subjectBox() grows the joints to the figure and joins the head over it, not a hand beside it", () => {
  const box = subjectBox(person())!;
  // torso = hips 0.55 - shoulders 0.31 = 0.24 of the height; sideways 0.25 torso = 0.06 of the
  // height = 0.12 of the width (400x800); crown 0.4 torso above the nose; no ankles: the knee ends it
  const want = [0.4 - 0.12, 0.15 - 0.4 * 0.24, 0.6 + 0.12, 0.76];
  box.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-9, `${JSON.stringify(box)}`));
  // the 0.9 hand at x 0.7-0.8 is mostly outside the figure, the unsure left knee does not count
});

Deno.test("subjectBox() takes a person box alone, not its union with a stray face and hand", () => {
  const r: VisionResult = {
    ...person(),
    persons: [{ box: [0.3, 0.2, 0.6, 0.9], score: 0.25 }],
    faces: [{ box: [0.85, 0.02, 0.95, 0.1], score: 0.9, detectorScore: 0.9, meshScore: 1 }],
    hands: [{ box: [0.02, 0.9, 0.1, 0.98], score: 0.95 }],
  };
  assert.deepEqual(subjectBox(r), [0.3, 0.2, 0.6, 0.9]);
});

Deno.test("subjectBox() lets an unsure person box yield to a likelier cat on the same spot", () => {
  const cat = { box: [0.1, 0.3, 0.7, 0.95] as Box, score: 0.6, label: "cat" };
  const r: VisionResult = {
    ...person(),
    faces: [],
    bodies: [],
    persons: [{ box: [0.12, 0.3, 0.7, 0.93], score: 0.3 }],
    objects: [cat],
  };
  assert.equal(subjectBox(r), null);
  // a sure person box stays, and so does an unsure one where the cat is elsewhere
  assert.deepEqual(subjectBox({ ...r, persons: [{ ...r.persons[0]!, score: 0.45 }] }), [
    0.12,
    0.3,
    0.7,
    0.93,
  ]);
  assert.deepEqual(subjectBox({ ...r, objects: [{ ...cat, box: [0.75, 0, 1, 0.3] }] }), [
    0.12,
    0.3,
    0.7,
    0.93,
  ]);
});

Deno.test("subjectBox() takes a faint person box only around body or face evidence", () => {
  const faint = { box: [0.25, 0.03, 0.75, 0.95] as Box, score: 0.1 };
  assert.deepEqual(subjectBox({ ...person(), persons: [faint] }), faint.box);
  // the same box without a body or face (a cat's outline, a cup) is no subject
  assert.equal(subjectBox({ ...person(), faces: [], bodies: [], persons: [faint] }), null);
  // a faint box beside the evidence leaves the figure to the keypoints
  const beside = { box: [0.8, 0.5, 1, 0.9] as Box, score: 0.15 };
  assert.deepEqual(subjectBox({ ...person(), persons: [beside] }), subjectBox(person()));
  // below the faint score it does not count at all
  assert.deepEqual(
    subjectBox({ ...person(), persons: [{ ...faint, score: 0.04 }] }),
    subjectBox(person()),
  );
});

Deno.test("subjectBox() keeps a face far from the body out of the subject", () => {
  const base = subjectBox(person())!;
  const r = person();
  r.faces.push({ box: [0.85, 0.85, 0.95, 0.95], score: 0.9, detectorScore: 0.9, meshScore: 1 });
  assert.deepEqual(subjectBox(r), base);
  // a face alone is a head
  const face = subjectBox({ ...person(), bodies: [] })!;
  assert.ok(Math.abs(face[1] - 0.065) < 1e-9 && face[3] < 0.25, JSON.stringify(face));
});

Deno.test("bodyExtent() reaches below the ankles by the foot margin", () => {
  const kp = (part: KeypointName, x: number, y: number): VisionKeypoint => ({
    part,
    x,
    y,
    score: 0.9,
  });
  const body = {
    keypoints: [
      kp("leftShoulder", 0.45, 0.3),
      kp("rightShoulder", 0.55, 0.3),
      kp("leftHip", 0.46, 0.5),
      kp("rightAnkle", 0.5, 0.9),
    ],
  };
  const b = bodyExtent(body, 1, { footMargin: 0.2 })!;
  assert.ok(Math.abs(b[3] - (0.9 + 0.2 * 0.2)) < 1e-9, JSON.stringify(b));
  assert.equal(bodyExtent({ keypoints: body.keypoints.slice(0, 2) }, 1), null, "2 joints: none");
});

Deno.test("overlapShare() is the share of the first box inside the second", () => {
  assert.ok(Math.abs(overlapShare([0, 0, 0.2, 0.2], [0.1, 0, 1, 1]) - 0.5) < 1e-12);
  assert.equal(overlapShare([0, 0, 0.1, 0.1], [0.5, 0.5, 1, 1]), 0);
  assert.equal(overlapShare([0.3, 0.3, 0.3, 0.5], [0, 0, 1, 1]), 0, "empty box");
});

Deno.test("subjectBox() ignores hands when nothing else says there is a person", () => {
  const r = { ...person(), faces: [], bodies: [] };
  assert.equal(subjectBox(r), null);
});

Deno.test("visionBlock() reads the subject by today's rule, not the one a cached result kept", () => {
  const r = { ...person(), subject: [0, 0, 1, 1] as Box };
  const b = visionBlock(r);
  const want = subjectBox(r)!;
  const got = [...b.slice(visionBlockIndex("subject_x1"), visionBlockIndex("subject_y2") + 1)];
  got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `${got} vs ${want}`));
  assert.equal(b[visionBlockIndex("has_subject")], 1);
  const none = visionBlock({ ...r, faces: [], bodies: [] });
  assert.equal(none[visionBlockIndex("has_subject")], 0, "a stale subject without evidence");
});

Deno.test("visionBlock() writes heights, flags and evidence at their layout positions", () => {
  const r = person();
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
  assert.deepEqual([...b.slice(obj, obj + 5)], [0, 0, 1, 1, 0], "no object: whole image, score 0");
  const faint = visionBlockIndex("faint_x1");
  assert.deepEqual([...b.slice(faint)], [0, 0, 1, 1, 0], "no faint person: whole image, score 0");
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

Deno.test("visionBlock() reports a faint person box only when there is no subject", () => {
  const at = (b: Float32Array, n: typeof VISION_BLOCK_LAYOUT[number]): number =>
    b[visionBlockIndex(n)]!;
  const faint = { box: [0.2, 0.1, 0.5, 0.8] as [number, number, number, number], score: 0.12 };
  // Alone (no face, body or hand near it), a 0.12 person box is not the subject…
  const alone = visionBlock({ ...person(), faces: [], bodies: [], hands: [], persons: [faint] });
  assert.equal(at(alone, "has_subject"), 0);
  assert.deepEqual(
    (["faint_x1", "faint_y1", "faint_x2", "faint_y2", "faint_score"] as const).map((n) =>
      Math.round(at(alone, n) * 100) / 100
    ),
    [0.2, 0.1, 0.5, 0.8, 0.12],
  );
  // …and where there is a subject the faint slot stays empty.
  const withSubject = visionBlock(person());
  assert.equal(at(withSubject, "has_subject"), 1);
  assert.equal(at(withSubject, "faint_score"), 0);
});
