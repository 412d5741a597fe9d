import assert from "node:assert/strict";
import { aggregateRuns } from "./mod.ts";

Deno.test("aggregateRuns() gives every numeric leaf its mean with _min and _max siblings", () => {
  const m = aggregateRuns([
    { ranker: { anomaly_acc: 0.8, by_project: { a: { acc: 1 } }, history: [1, 2] }, model: "x" },
    {
      ranker: { anomaly_acc: 0.9, by_project: { a: { acc: 0.5 }, b: { acc: 1 } }, history: [3] },
      model: "x",
    },
    { ranker: { anomaly_acc: 1.0, by_project: { a: { acc: 0.6 } }, history: [] }, model: "y" },
  ]) as { ranker: Record<string, unknown>; model: string };
  assert.ok(Math.abs((m.ranker.anomaly_acc as number) - 0.9) < 1e-12);
  assert.equal(m.ranker.anomaly_acc_min, 0.8);
  assert.equal(m.ranker.anomaly_acc_max, 1.0);
  const byProject = m.ranker.by_project as Record<string, Record<string, number>>;
  assert.ok(Math.abs(byProject.a!.acc! - 0.7) < 1e-12);
  assert.equal(byProject.a!.acc_min, 0.5);
  // A key present in one run only: its one value.
  assert.equal(byProject.b!.acc, 1);
  assert.equal(m.ranker.history, undefined, "curves are dropped, not averaged");
  assert.equal(m.model, "x | y");
  assert.throws(() => aggregateRuns([]), RangeError);
});

Deno.test("aggregateRuns() averages over runs that have a number where others have null", () => {
  const m = aggregateRuns([{ p: null }, { p: 0.9 }, { p: 0.95 }]) as Record<string, number>;
  assert.ok(Math.abs(m.p! - 0.925) < 1e-12);
  assert.equal(m.p_min, 0.9);
});
