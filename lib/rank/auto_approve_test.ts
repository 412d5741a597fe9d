import assert from "node:assert/strict";
import { mulberry32 } from "../random/mod.ts";
import { type BandSet, fitAutoApprove, isApprovable } from "./auto_approve.ts";

/** Sets whose pick is right with probability equal to its confidence (calibrated). */
function calibratedSets(n: number, project: string, seed: number): BandSet[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const confidence = 0.5 + 0.5 * Math.sqrt(rnd());
    return { project, confidence, correct: rnd() < confidence, suspicion: rnd() * 0.05 };
  });
}

Deno.test("fitAutoApprove() keeps the band's precision bound at 97 % and needs enough sets", () => {
  const sets = calibratedSets(2000, "a", 3);
  const band = fitAutoApprove(sets);
  assert.ok(band.threshold !== null);
  assert.ok(band.fit.lower_bound! >= 0.97, `bound ${band.fit.lower_bound}`);
  assert.ok(band.fit.right / band.fit.covered >= 0.97);
  // Fewer sets than the stated minimum: no band, even when every pick was right.
  const few = Array.from({ length: 99 }, () => ({
    project: "a",
    confidence: 0.999,
    correct: true,
    suspicion: 0,
  }));
  assert.equal(fitAutoApprove(few).threshold, null);
  // 100 perfect sets: the bound 0.05^(1/100) just clears 0.97.
  assert.ok(fitAutoApprove([...few, few[0]!]).threshold !== null);
});

Deno.test("fitAutoApprove() gives a project with little evidence a stricter band", () => {
  const sets = [...calibratedSets(1500, "big", 5), ...calibratedSets(40, "small", 6)];
  const band = fitAutoApprove(sets);
  const big = band.by_project["big"]!, small = band.by_project["small"]!;
  assert.ok(big >= band.threshold!);
  assert.ok(small > big, `small ${small} vs big ${big}`);
  // At least the evidence-scaled cut: 40 of the 200 sets that earn the pooled band.
  assert.ok(small >= 1 - (1 - band.threshold!) * 40 / 200 - 1e-12);
  assert.equal(isApprovable(band, "unknown", 1, 0), false);
});

Deno.test("isApprovable() keeps a suspected broken step out of the band", () => {
  const band = fitAutoApprove(calibratedSets(2000, "a", 7));
  const t = band.by_project["a"]!;
  assert.equal(isApprovable(band, "a", Math.min(1, t + 1e-3), 0.01), true);
  assert.equal(isApprovable(band, "a", Math.min(1, t + 1e-3), 0.2), false);
  assert.equal(isApprovable(band, "a", t - 1e-3, 0), false);
});
