import assert from "node:assert/strict";
import type { AutomationDecision, Box } from "../types.ts";
import { scriptedReview } from "./run_closed_loop.ts";

function decision(group_id: string, paths: string[], chosen: number): AutomationDecision {
  return {
    group_id,
    project: "p",
    created: "2026-11-27T00:00:00Z",
    models: { ranker: "r", crop: "c", embedder: "e" },
    images: paths.map((path) => ({ path, sha256: "0", stage: 1, width: 8, height: 8, score: 0 })),
    step1_selection: {
      chosen_index: chosen,
      chosen: paths[chosen]!,
      confidence: 0.9,
      margin: 0.5,
      reasons: [],
      auto_approvable: true,
    },
    step2_crop: { needs_crop: true, box: [0.1, 0, 0.9, 0.8], confidence: 0.5, reasons: [] },
    flags: [],
  };
}

Deno.test("scriptedReview() approves right picks, overrides wrong ones, skips unknown groups", () => {
  const crop: Box = [0, 0, 0.7, 0.7];
  const truth = new Map([
    ["a/1.png", { chosen_path: "a/2.png", crop_box: crop }],
    ["a/2.png", { chosen_path: "a/2.png", crop_box: crop }],
    ["b/1.png", { chosen_path: "b/1.png", crop_box: null }],
    ["b/2.png", { chosen_path: "b/1.png", crop_box: null }],
  ]);
  const out = scriptedReview(
    [
      decision("ga", ["a/1.png", "a/2.png"], 1),
      decision("gb", ["b/1.png", "b/2.png"], 1),
      decision("gc", ["c/1.png", "c/2.png"], 0),
    ],
    truth,
    new Date("2026-11-27T10:00:00Z"),
  );
  assert.equal(out.length, 2);
  assert.deepEqual(
    out.map((r) => [r.group_id, r.action, r.final_choice, r.ai_choice]),
    [["ga", "approve", 1, 1], ["gb", "override", 0, 1]],
  );
  assert.deepEqual(out[0]!.crop_coords, crop);
  assert.equal(out[1]!.crop_coords, null);
  assert.deepEqual(out[1]!.ai_crop, [0.1, 0, 0.9, 0.8]);
});
