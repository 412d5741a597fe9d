import assert from "node:assert/strict";
import type { AutomationDecision, Box } from "../types.ts";
import type { ReviewEntry } from "./review_store.ts";
import { reviewStats } from "./review_stats.ts";
import { toApprovedDecision } from "./to_approved_decision.ts";
import { APPROVAL_RATE_DEFINITION, reviewMetrics } from "../report/mod.ts";

const decision = (id: string, box: Box | null): AutomationDecision => ({
  group_id: id,
  project: "p",
  created: "2025-07-08T06:41:18Z",
  models: { ranker: "r", crop: "c", embedder: "e" },
  images: [
    { path: "a.png", sha256: "", stage: 1, width: 10, height: 10, score: 1 },
    { path: "b.png", sha256: "", stage: 2, width: 10, height: 10, score: 0 },
  ],
  step1_selection: {
    chosen_index: 0,
    chosen: "a.png",
    confidence: 0.9,
    margin: 0.2,
    reasons: [],
    auto_approvable: true,
  },
  step2_crop: { needs_crop: box !== null, box, confidence: 0.5, reasons: [] },
  flags: [],
});

const e = (id: string, over: Partial<ReviewEntry>): ReviewEntry => ({
  group_id: id,
  action: "approve",
  final_choice: 0,
  crop_coords: null,
  manual_crop: false,
  seconds_spent: 1,
  timestamp: "2025-07-08T06:41:18Z",
  ...over,
});

Deno.test("reviewStats() counts crop acceptance only over approvals with a proposed crop", () => {
  const box: Box = [0.1, 0.1, 0.5, 0.5];
  const ds = [decision("a", box), decision("b", box), decision("c", null), decision("d", null)];
  const entries = new Map([
    ["a", e("a", { crop_coords: box, seconds_spent: 2 })],
    ["b", e("b", { crop_coords: [0.2, 0.1, 0.6, 0.5], seconds_spent: 4 })],
    ["c", e("c", { action: "override", final_choice: 1, seconds_spent: 9 })],
  ]);
  const s = reviewStats(ds, entries);
  assert.deepEqual(s.reviewed, 3);
  assert.deepEqual(s.crop_acceptance, 0.5);
  assert.ok(Math.abs(s.approval_rate! - (2 / 3)) < 1e-9);
  assert.ok(Math.abs(s.override_rate! - (1 / 3)) < 1e-9);
  assert.deepEqual(s.seconds_median, 4);
  assert.deepEqual(s.seconds_mean, 5);
});

Deno.test("reviewStats() and deno task report's reviewMetrics() give one approval rate: skips count as reviewed", () => {
  const ds = ["a", "b", "c", "d"].map((id) => decision(id, null));
  const entries = new Map([
    ["a", e("a", {})],
    ["b", e("b", {})],
    ["c", e("c", { action: "override", final_choice: 1 })],
    ["d", e("d", { action: "skip", final_choice: null })],
  ]);
  const s = reviewStats(ds, entries);
  const m = reviewMetrics(ds.map((d) => toApprovedDecision(d, entries.get(d.group_id)!)), ds);
  assert.equal(s.approval_rate, 0.5);
  assert.equal(m.approval_rate, s.approval_rate);
  assert.equal(m.override_rate, s.override_rate);
  assert.equal(s.approval_definition, APPROVAL_RATE_DEFINITION);
});

Deno.test("toApprovedDecision() carries the AI pick and crop and marks manual crops only when asked", () => {
  const box: Box = [0.1, 0.1, 0.5, 0.5];
  const plain = toApprovedDecision(decision("a", box), e("a", { seconds_spent: 1.23456 }));
  assert.deepEqual(plain.ai_choice, 0);
  assert.deepEqual(plain.ai_crop, box);
  assert.deepEqual(plain.seconds_spent, 1.235);
  assert.deepEqual("manual_crop" in plain, false);
  const manual = toApprovedDecision(decision("a", null), e("a", { manual_crop: true }));
  assert.deepEqual(manual.manual_crop, true);
  assert.deepEqual(manual.ai_crop, null);
});
