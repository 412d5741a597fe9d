import assert from "node:assert/strict";
import { mulberry32 } from "../random/mod.ts";
import { calibrateFromOutOfFold } from "./calibrate_ranker.ts";
import { softmax } from "./calibration.ts";
import type { OutOfFold } from "./cross_fit.ts";
import { groupTemperature } from "./ranker.ts";

/**
 * Out-of-fold sets of three members whose choice is drawn from softmax(scores / trueT): clean
 * sets (suspicion 0.01) with `cleanT`, suspected ones (suspicion 0.6) with `suspectT`.
 */
function sets(n: number, suspectShare: number, cleanT: number, suspectT: number): OutOfFold[] {
  const rand = mulberry32(7);
  return Array.from({ length: n }, (_, i) => {
    const suspect = rand() < suspectShare;
    const scores = [0, 1, 2].map((k) => (k === 2 ? 1.5 + 2 * rand() : 2 * rand()));
    const p = softmax(scores, suspect ? suspectT : cleanT);
    const u = rand();
    const chosen = u < p[0]! ? 0 : u < p[0]! + p[1]! ? 1 : 2;
    return {
      id: String(i),
      project: "p",
      chosen,
      scores,
      temperature: 1,
      suspicion: suspect ? 0.6 : 0.01,
      mlp: scores,
      chain: null,
      anomaly: chosen !== 2,
    };
  });
}

Deno.test("calibrateFromOutOfFold() gives suspected groups a temperature of their own", () => {
  const oof = sets(3000, 0.2, 0.5, 2);
  const cal = calibrateFromOutOfFold(1, oof);
  assert.ok(cal.suspicious, "two parts of 2,400 and 600 sets: calibrated apart");
  assert.equal(cal.suspicious.cut, 0.1);
  // Each part's temperature lands near the one its choices were drawn with.
  assert.ok(Math.abs(cal.temperature - 0.5) < 0.15, `clean temperature ${cal.temperature}`);
  assert.ok(
    Math.abs(cal.suspicious.temperature - 2) < 0.6,
    `suspected temperature ${cal.suspicious.temperature}`,
  );
  const parts = cal.calibration.by_suspicion!;
  assert.equal(parts.clean.sets + parts.suspicious.sets, 3000);
  assert.ok(
    cal.calibration.oof_ece < parts.oof_ece_pooled,
    `ECE ${cal.calibration.oof_ece} vs one temperature ${parts.oof_ece_pooled}`,
  );
  // The ranker applies them by the group's suspicion.
  const meta = { temperature: cal.temperature, temperature_suspicious: cal.suspicious };
  assert.equal(groupTemperature(meta, 0.05), cal.temperature);
  assert.equal(groupTemperature(meta, 0.5), cal.suspicious.temperature);
  assert.equal(groupTemperature({ temperature: 1.3 }, 0.9), 1.3);
});

Deno.test("calibrateFromOutOfFold() keeps one temperature when a part is too small or no cut is set", () => {
  const few = calibrateFromOutOfFold(1, sets(400, 0.05, 0.5, 2), { minPartSets: 50 });
  const nSuspect = sets(400, 0.05, 0.5, 2).filter((r) => r.suspicion > 0.1).length;
  assert.ok(nSuspect > 0 && nSuspect < 50, `${nSuspect} suspected sets`);
  assert.equal(few.suspicious, null);
  assert.equal(few.calibration.by_suspicion, undefined);
  const off = calibrateFromOutOfFold(2, sets(3000, 0.2, 0.5, 2), { suspicionCut: null });
  assert.equal(off.suspicious, null);
  assert.ok(Math.abs(off.temperature / 2 - off.calibration.correction) < 1e-12);
});
