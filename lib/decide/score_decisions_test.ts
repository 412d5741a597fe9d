import assert from "node:assert/strict";
import type { AutomationDecision, Box } from "../types.ts";
import { scoreDecisions, type TruthGroup } from "./mod.ts";

function decision(paths: string[], chosen: number, box: Box | null): AutomationDecision {
  return {
    group_id: "g_0000000000000000",
    project: "p",
    created: "2026-01-01T00:00:00Z",
    models: { ranker: "r", crop: "c", embedder: "e" },
    images: paths.map((path) => ({ path, sha256: "", stage: null, width: 1, height: 1, score: 0 })),
    step1_selection: {
      chosen_index: chosen,
      chosen: paths[chosen]!,
      confidence: 1,
      margin: 1,
      reasons: [],
      auto_approvable: false,
    },
    step2_crop: { needs_crop: box !== null, box, confidence: 1, reasons: [] },
    flags: [],
  };
}

const truth: TruthGroup[] = [
  {
    members: [{ path: "p/c/a1.png" }, { path: "p/c/a2.png" }],
    chosen_path: "p/c/a2.png",
    needs_crop: true,
    crop_box: [0, 0, 0.5, 0.5],
  },
  {
    members: [{ path: "p/c/b1.png" }, { path: "p/c/b2.png" }],
    chosen_path: "p/c/b1.png",
    needs_crop: false,
    crop_box: null,
    anomaly: true,
  },
];

Deno.test("scoreDecisions() matches sandbox-relative paths by suffix and scores picks and crops", () => {
  const s = scoreDecisions([
    decision(["in/p/c/a1.png", "in/p/c/a2.png"], 1, [0, 0, 0.5, 1]),
    decision(["in/p/c/b1.png", "in/p/c/b2.png"], 1, null),
  ], truth);
  assert.equal(s.groups, 2);
  assert.equal(s.covered, 2);
  assert.equal(s.pick_accuracy, 0.5);
  assert.equal(s.anomaly_pick_accuracy, 0);
  assert.equal(s.crop_iou_cropped, 0.5);
  assert.equal(s.crop_iou, (0.5 + 1) / 2);
  assert.equal(s.needs_crop_accuracy, 1);
  assert.equal(s.grouping.f1, 1);
});

Deno.test("scoreDecisions() counts a merged group as one right pick and a grouping error", () => {
  const s = scoreDecisions([
    decision(["p/c/a1.png", "p/c/a2.png", "p/c/b1.png", "p/c/b2.png"], 1, null),
  ], truth);
  assert.equal(s.pick_accuracy, 0.5);
  assert.ok(s.grouping.precision < 0.5);
  assert.equal(s.grouping.recall, 1);
});

Deno.test("scoreDecisions() compares keeper with the highest stage per class; empty classes are null", () => {
  const staged: TruthGroup[] = [
    {
      members: [{ path: "p/c/a1.png", stage: 1 }, { path: "p/c/a2.png", stage: 2 }],
      chosen_path: "p/c/a2.png",
      needs_crop: false,
      crop_box: null,
    },
    {
      members: [{ path: "p/c/b1.png", stage: 1 }, { path: "p/c/b2.png", stage: 2 }],
      chosen_path: "p/c/b1.png",
      needs_crop: false,
      crop_box: null,
      anomaly: true,
    },
  ];
  const flagged = decision(["p/c/b1.png", "p/c/b2.png"], 0, null);
  flagged.flags = ["low_confidence"];
  const sure = decision(["p/c/a1.png", "p/c/a2.png"], 1, null);
  sure.step1_selection.auto_approvable = true;
  const s = scoreDecisions([sure, flagged], staged);
  assert.deepEqual(s.by_class.all, { groups: 2, keeper: 1, highest_stage: 0.5 });
  assert.deepEqual(s.by_class.normal, { groups: 1, keeper: 1, highest_stage: 1 });
  assert.deepEqual(s.by_class.anomaly, { groups: 1, keeper: 1, highest_stage: 0 });
  assert.deepEqual(s.by_class.flagged, { groups: 1, keeper: 1, highest_stage: 0 });
  assert.deepEqual(s.by_class.auto_approvable, { groups: 1, keeper: 1, highest_stage: 1 });
  // Without anomalies the class is empty: null, which the demo prints as "n/a".
  const none = scoreDecisions([sure], [staged[0]!]);
  assert.deepEqual(none.by_class.anomaly, { groups: 0, keeper: null, highest_stage: null });
  // Without member stages there is no baseline to compare with.
  assert.equal(scoreDecisions([sure], [truth[0]!]).by_class.all.highest_stage, null);
});
