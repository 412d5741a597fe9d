import assert from "node:assert/strict";
import {
  autoApproveThreshold,
  bandScores,
  ece,
  eceFloor,
  formatEceFloor,
  reliability,
} from "./calibration.ts";
import { mulberry32 } from "../random/mod.ts";
import { splitBy } from "./splits.ts";

Deno.test("ece() is zero for perfectly calibrated bins and grows with over-confidence", () => {
  const conf = [0.75, 0.75, 0.75, 0.75];
  assert.ok(ece(conf, [true, true, true, false]) < 1e-12);
  assert.ok(Math.abs(ece([0.95, 0.95], [true, false]) - 0.45) < 1e-12);
  assert.equal(reliability(conf, [true, true, true, false]).length, 1);
});

Deno.test("autoApproveThreshold() picks the lowest threshold that keeps 97% precision", () => {
  const conf = Array.from({ length: 100 }, (_, i) => 1 - i / 100);
  const ok = conf.map((_, i) => i < 60 || i % 2 === 0);
  const t = autoApproveThreshold(conf, ok, 0.97);
  assert.ok(t !== null);
  const band = bandScores(conf, ok, t);
  assert.ok((band.precision ?? 0) >= 0.97);
  assert.ok(band.coverage >= 0.6);
  assert.equal(autoApproveThreshold([0.9, 0.8], [false, false], 0.97, 1), null);
});

Deno.test("splitBy() keeps a key on one side whatever the order", () => {
  const keys = Array.from({ length: 200 }, (_, i) => `k${i % 50}`);
  const a = splitBy(keys, (k) => k, { seed: 2 });
  const b = splitBy([...keys].reverse(), (k) => k, { seed: 2 });
  for (const part of ["train", "val", "test"] as const) {
    assert.deepEqual(new Set(a[part]), new Set(b[part]));
    for (const k of a[part]) {
      for (const other of ["train", "val", "test"] as const) {
        if (other !== part) assert.ok(!a[other].includes(k));
      }
    }
  }
});

Deno.test("eceFloor() is the ECE of a perfectly calibrated ranker at these confidences", () => {
  // Every pick certain and right: nothing to miss.
  assert.deepEqual(eceFloor([1, 1, 1]), { median: 0, p90: 0 });
  assert.deepEqual(eceFloor([]), { median: 0, p90: 0 });
  // One bin of n picks at p misses p by about √(2/π) · √(p (1 − p) / n): 0.024 for 100 at 0.9.
  const hundred = eceFloor(new Array(100).fill(0.9));
  assert.ok(hundred.median > 0.012 && hundred.median < 0.036, `median ${hundred.median}`);
  assert.ok(hundred.p90 > hundred.median);
  // More picks, lower floor.
  const many = eceFloor(new Array(5000).fill(0.9));
  assert.ok(many.median < 0.006, `median ${many.median}`);
  // Seeded: the same draws give the same floor.
  assert.deepEqual(eceFloor(new Array(100).fill(0.9)), hundred);
});

Deno.test("eceFloor() p90: a calibrated ranker's measured ECE stays below it about 9 times in 10", () => {
  const rand = mulberry32(7);
  const conf = Array.from({ length: 180 }, () => 0.55 + 0.45 * rand() ** 0.2);
  const { p90 } = eceFloor(conf);
  let below = 0;
  for (let r = 0; r < 300; r++) if (ece(conf, conf.map((c) => rand() < c)) <= p90) below++;
  assert.ok(below / 300 > 0.84 && below / 300 < 0.96, `${below} of 300 below p90 ${p90}`);
});

Deno.test("formatEceFloor() names both figures, or nothing for a report without them", () => {
  assert.equal(
    formatEceFloor({ ece_floor: 0.0241, ece_floor_p90: 0.0372 }),
    " (perfectly calibrated: median 0.024, 90 % below 0.037)",
  );
  assert.equal(formatEceFloor({}), "");
});
