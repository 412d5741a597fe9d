import assert from "node:assert/strict";
import {
  companionsOf,
  groupStemOf,
  parseFilenameTimestamp,
  parseStage,
  stageToken,
  stemOf,
} from "./mod.ts";

Deno.test("parseStage() reads all four stages including 1.5", () => {
  assert.equal(parseStage("20250708_064118_stage1_generated.png"), 1);
  assert.equal(parseStage("PROJECT_ROOT/mojo1/20250708_064118_stage1.5_face_swapped.png"), 1.5);
  assert.equal(parseStage("20250708_064232_stage2_upscaled.png"), 2);
  assert.equal(parseStage("20250708_064232_stage3_enhanced.png"), 3);
});

Deno.test("parseStage() returns null for unknown stages, never 0", () => {
  assert.equal(parseStage("20250708_064118_stage9_mystery.png"), null);
  assert.equal(parseStage("holiday.png"), null);
  assert.equal(stageToken("20250708_064118_stage9_mystery.png"), "stage9_mystery");
});

Deno.test("parseStage() accepts a configured extra stage, ordered numerically", () => {
  const stages = { "stage1_generated": 1, "stage2.5_inpainted": 2.5 };
  assert.equal(parseStage("20250708_064118_stage2.5_inpainted.png", { stages }), 2.5);
  assert.equal(parseStage("20250708_064118_stage2_upscaled.png", { stages }), null);
});

Deno.test("parseFilenameTimestamp() parses the 15-character prefix as UTC", () => {
  assert.equal(
    parseFilenameTimestamp("20250708_064118_stage1_generated.png"),
    Date.UTC(2025, 6, 8, 6, 41, 18),
  );
  assert.equal(parseFilenameTimestamp("20251341_000000_x.png"), null);
  assert.equal(parseFilenameTimestamp("x.png"), null);
});

Deno.test("stemOf() and groupStemOf() split names", () => {
  assert.equal(
    stemOf("a/b/20250708_064118_stage1_generated.png"),
    "20250708_064118_stage1_generated",
  );
  assert.equal(groupStemOf("20250708_064118_stage1_generated.png"), "20250708_064118");
});

Deno.test("companionsOf() finds same-stem files and the group decision, not other images", () => {
  const img = "20250708_064118_stage2_upscaled.png";
  const siblings = [
    img,
    "20250708_064118_stage2_upscaled.yaml",
    "20250708_064118_stage2_upscaled.caption",
    "20250708_064118_stage2_upscaled.jpg",
    "20250708_064118_stage1_generated.yaml",
    "20250708_064118.decision",
    "other.txt",
  ];
  assert.deepEqual(companionsOf(img, siblings), [
    "20250708_064118.decision",
    "20250708_064118_stage2_upscaled.caption",
    "20250708_064118_stage2_upscaled.yaml",
  ]);
});
