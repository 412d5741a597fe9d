import assert from "node:assert/strict";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import { manualSecondsPerGroup, reviewMetrics } from "./review_metrics.ts";
import { renderReviewReport } from "./render_review_report.ts";

function approved(
  group_id: string,
  action: ApprovedDecision["action"],
  extra: Partial<ApprovedDecision> = {},
): ApprovedDecision {
  return {
    group_id,
    action,
    final_choice: action === "reject" || action === "skip" ? null : 1,
    crop_coords: null,
    ai_choice: 1,
    ai_crop: null,
    timestamp: "2026-11-20T10:00:00Z",
    seconds_spent: 4,
    ...extra,
  };
}

function decision(group_id: string, project: string): AutomationDecision {
  return { group_id, project } as AutomationDecision;
}

Deno.test("reviewMetrics() counts actions, crop acceptance and time saved", () => {
  const records = [
    approved("g1", "approve", { ai_crop: [0.1, 0, 0.9, 0.8], crop_coords: [0.12, 0, 0.9, 0.8] }),
    approved("g2", "approve", { ai_crop: [0.1, 0, 0.9, 0.8], crop_coords: [0.1, 0, 0.7, 0.6] }),
    approved("g3", "override", { final_choice: 0 }),
    approved("g4", "reject", { seconds_spent: 10, timestamp: "2026-11-21T09:00:00Z" }),
  ];
  const decisions = [decision("g1", "p"), decision("g2", "p"), decision("g3", "q")];
  const m = reviewMetrics(records, decisions, { manualSecondsPerGroup: 20 });
  assert.equal(m.groups, 4);
  assert.equal(m.approval_rate, 0.5);
  assert.equal(m.override_rate, 0.25);
  assert.equal(m.crop_proposals, 2);
  assert.equal(m.crop_acceptance, 0.5);
  assert.equal(m.time_saved_seconds, 4 * 20 - (4 + 4 + 4 + 10));
  assert.equal(m.by_project["p"]?.groups, 2);
  assert.equal(m.by_project["(unknown)"]?.groups, 1);
  assert.equal(m.unmatched, 1);
  assert.deepEqual(Object.keys(m.by_day), ["2026-11-20", "2026-11-21"]);
});

Deno.test("reviewMetrics() counts a re-reviewed group once, by its latest record", () => {
  const m = reviewMetrics([
    approved("g1", "approve", { timestamp: "2026-11-20T10:00:00Z" }),
    approved("g1", "reject", { timestamp: "2026-11-20T10:05:00Z" }),
  ], []);
  assert.equal(m.groups, 1);
  assert.equal(m.reject_rate, 1);
});

Deno.test("manualSecondsPerGroup() divides timesheet hours by groups", () => {
  const s = manualSecondsPerGroup([
    { counts: { initialImages: 2900 }, metrics: { totalHours: 1 } },
    { counts: { initialImages: 100 }, metrics: { totalHours: 0 } },
  ], 2.9);
  assert.ok(Math.abs(s! - 3.6) < 1e-9);
  assert.equal(manualSecondsPerGroup([{}]), undefined);
});

Deno.test("renderReviewReport() states the baseline and draws two charts", () => {
  const m = reviewMetrics([approved("g1", "approve")], [decision("g1", "p")], {
    manualSecondsPerGroup: 12,
  });
  const r = renderReviewReport(m, { baselineSource: "test" });
  assert.match(r.markdown, /12\.0 s per group \(test\)/);
  assert.deepEqual(Object.keys(r.charts).sort(), ["rates_by_day.svg", "seconds_by_project.svg"]);
  for (const [name, svg] of Object.entries(r.charts)) {
    // Standalone SVG documents (a browser shows them as images), each shown by report.md.
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, name);
    assert.doesNotMatch(svg, /<figure|<div|<h2/, name);
    assert.ok(r.markdown.includes(`](${name})`), `report.md does not show ${name}`);
  }
});

Deno.test("reviewMetrics() without a manual baseline leaves time saved out, not zero", () => {
  const m = reviewMetrics([approved("g1", "approve")], [decision("g1", "p")], {
    manualSecondsPerGroup: null,
  });
  assert.equal(m.manual_seconds_per_group, null);
  assert.equal(m.time_saved_seconds, null);
  assert.equal(m.by_project["p"]!.time_saved_seconds, null);
  const r = renderReviewReport(m, { baselineSource: "no timesheet" });
  assert.match(r.markdown, /Manual baseline: unknown \(no timesheet\), so time saved is n\/a/);
  assert.match(r.markdown, /\| n\/a \|/);
  assert.doesNotMatch(r.charts["seconds_by_project.svg"]!, /stroke="red"/);
});
