import assert from "node:assert/strict";
import { autoApproveThreshold, bandScores, ece, reliability } from "./calibration.ts";
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
