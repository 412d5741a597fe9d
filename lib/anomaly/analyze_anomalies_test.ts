import assert from "node:assert/strict";
import type { ImageRef, SelectionSet } from "../types.ts";
import { analyzeAnomalies } from "./mod.ts";
import { isAnomaly } from "./analyze_anomalies.ts";

function ref(stage: number | null, dir = "p"): ImageRef {
  return { project: "p", filename: `x_${stage}.png`, path: `${dir}/x_${stage}.png`, dir, stage };
}

function set(
  project: string,
  chosen: number | null,
  rejected: (number | null)[],
  mixed = false,
): SelectionSet {
  return {
    kind: "selection_log",
    source: { file: "f.csv", line: 2 },
    session_id: "s",
    set_id: "g",
    project,
    chosen: ref(chosen),
    rejected: rejected.map((s) => ref(s)),
    timestamp: "t",
    mixed_directories: mixed,
  };
}

Deno.test("isAnomaly() counts stage 1 kept over 1.5 as an anomaly", () => {
  assert.equal(isAnomaly(set("p", 1, [1.5])), true);
  assert.equal(isAnomaly(set("p", 1.5, [1])), false);
  assert.equal(isAnomaly(set("p", 2, [1, 1.5])), false);
  assert.equal(isAnomaly(set("p", 1.5, [1, 2])), true);
});

Deno.test("isAnomaly() is null, not false, when a stage is unknown", () => {
  assert.equal(isAnomaly(set("p", null, [2])), null);
  assert.equal(isAnomaly(set("p", 2, [null])), null);
});

Deno.test("analyzeAnomalies() gives per-project counts, rates, transitions and group sizes", () => {
  const r = analyzeAnomalies([
    set("a", 1, [1.5]),
    set("a", 1.5, [1]),
    set("a", 2, [1, 1.5]),
    set("a", 1, [1.5, 2], true),
    set("b", null, [2]),
  ]);
  const a = r.projects["a"]!;
  assert.equal(a.sets, 4);
  assert.equal(a.pairs, 6);
  assert.equal(a.anomalies, 2);
  assert.equal(a.anomaly_rate, 0.5);
  assert.deepEqual(a.transitions, { "1->1.5": 1, "1.5->1": 1, "2->1.5": 1, "1->2": 1 });
  assert.deepEqual(a.group_sizes, { "2": 2, "3": 2 });
  assert.equal(a.mixed_directories, 1);
  const b = r.projects["b"]!;
  assert.equal(b.unknown_stage, 1);
  assert.equal(b.anomaly_rate, null);
  assert.equal(r.total.sets, 5);
  assert.equal(r.total.anomalies, 2);
});

Deno.test("analyzeAnomalies() can restrict to some kinds of sets", () => {
  const other = { ...set("a", 1, [2]), kind: "anomaly_export" as const };
  const r = analyzeAnomalies([set("a", 2, [1]), other], { kinds: ["selection_log"] });
  assert.equal(r.total.sets, 1);
  assert.equal(r.total.anomalies, 0);
});
