import assert from "node:assert/strict";
import type { GroupView } from "./api.ts";
import { certainty, flagLabel, plainReasons } from "./plain_words.ts";

const group = (pick: number, stages: number[], box: GroupView["crop"]["box"]): GroupView => ({
  group_id: "g_0123456789abcdef",
  project: "p",
  position: 0,
  images: stages.map((stage, index) => ({
    index,
    name: `${index}.png`,
    stage,
    width: 10,
    height: 10,
    score: 0,
    probability: null,
  })),
  ai: { choice: pick, confidence: 0.95, margin: 0.5, reasons: [], auto_approvable: false },
  crop: { needs_crop: box !== null, box, confidence: 0.8, reasons: [] },
  flags: [],
  review: null,
});

Deno.test("plainReasons() names the pick, the passed-over later stage and the step that may have broken it", () => {
  const r = plainReasons(group(1, [1, 2, 3], [0, 0, 0.5, 0.8]));
  assert.equal(r[0], "Keep image 2 (stage 2 · upscaled).");
  assert.match(
    r[1]!,
    /later stage 3 · enhanced version \(image 3\) looks worse: possibly an enhancer defect/,
  );
  assert.equal(r[2], "Keeper is very sure (95%).");
  assert.equal(r[3], "Suggested crop keeps 50% of the width and 80% of the height.");
  assert.equal(
    plainReasons(group(2, [1, 2, 3], null))[1],
    "It is the most finished stage of the group.",
  );
});

Deno.test("flagLabel() reads known flags as sentences and unknown ones as words; certainty() in bands", () => {
  assert.equal(flagLabel("low_confidence"), "keeper is unsure");
  assert.equal(flagLabel("brand_new_flag"), "Brand new flag");
  assert.match(certainty(0.4), /unsure \(40%\)/);
});
