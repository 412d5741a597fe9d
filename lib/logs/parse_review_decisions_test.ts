import assert from "node:assert/strict";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import { writeApprovedDecisions, writeAutomationDecisions } from "../decisions/mod.ts";
import { ingestLogs } from "./mod.ts";
import { parseReviewDecisions } from "./parse_review_decisions.ts";

function decision(n: number, project: string): AutomationDecision {
  const img = (stage: number, name: string, size: number) => ({
    path: `incoming/${project}/2025070${n}_000000_${name}.png`,
    sha256: String(n).repeat(64),
    stage,
    width: size,
    height: size,
    score: stage / 3,
  });
  const images = [img(1, "stage1_generated", 1024), img(2, "stage2_upscaled", 2048)];
  return {
    group_id: `g_${String(n).repeat(16)}`,
    project,
    created: "2026-01-02T03:04:05.000Z",
    models: { ranker: "r@1", crop: "c@1", embedder: "builtin@1" },
    images,
    step1_selection: {
      chosen_index: 1,
      chosen: images[1]!.path,
      confidence: 0.8,
      margin: 0.5,
      reasons: [],
      auto_approvable: true,
    },
    step2_crop: { needs_crop: true, box: [0, 0, 1, 0.8], confidence: 0.7, reasons: [] },
    flags: [],
  };
}

function verdict(
  n: number,
  action: ApprovedDecision["action"],
  extra: Partial<ApprovedDecision> = {},
) {
  const picks = action === "approve" || action === "override";
  return {
    group_id: `g_${String(n).repeat(16)}`,
    action,
    final_choice: picks ? (action === "override" ? 0 : 1) : null,
    crop_coords: picks ? [0.1, 0, 0.9, 0.8] : null,
    ai_choice: 1,
    ai_crop: null,
    timestamp: `2026-01-02T03:0${n}:00Z`,
    seconds_spent: 2,
    ...extra,
  } as ApprovedDecision;
}

Deno.test("parseReviewDecisions() turns approvals and overrides into review sets and crops", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeAutomationDecisions(
      `${dir}/automation_decisions.jsonl`,
      [1, 2, 3, 4].map((n) => decision(n, "alpha")),
    );
    await writeApprovedDecisions(`${dir}/approved_decisions.jsonl`, [
      verdict(1, "approve"),
      verdict(2, "override", { crop_coords: null }),
      verdict(3, "reject"),
      verdict(4, "approve", { manual_crop: true }),
      verdict(1, "skip", { timestamp: "2026-01-01T00:00:00Z" }), // older: superseded
    ]);
    const r = await parseReviewDecisions(`${dir}/approved_decisions.jsonl`);
    assert.deepEqual(r.sets.map((s) => [s.kind, s.action, s.chosen.stage, s.project]), [
      ["review", "approve", 2, "alpha"],
      ["review", "override", 1, "alpha"],
      ["review", "approve", 2, "alpha"],
    ]);
    assert.deepEqual(r.labels.map((l) => [l.no_crop, l.width]), [[false, 2048], [true, 1024]]);
    assert.deepEqual(r.rejections.map((x) => x.reason), ["review_reject"]);
    assert.equal(r.counts["manual_crop"], 1);
    assert.equal(r.counts["superseded_reviews"], 1);

    const s = await ingestLogs(dir, { outDir: null });
    assert.equal(s.reviews.sets, 3);
    assert.equal(s.reviews.crops, 2);
    assert.deepEqual(s.reviews.rejected, { review_reject: 1 });
    assert.deepEqual(s.selection.by_kind, { review: 3 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
