import assert from "node:assert/strict";
import { chainGroups } from "../../tests/fixtures/chain_groups.ts";
import { crossFitRanker } from "./cross_fit.ts";
import type { RankGroup } from "./train_ranker.ts";

Deno.test("crossFitRanker() scores each set with a chain model refitted on its whole fold, as the shipped one is", async () => {
  const { group } = chainGroups(5);
  const sets: RankGroup[] = [
    ...Array.from({ length: 60 }, () => group(false, 2)),
    ...Array.from({ length: 18 }, () => group(true, 1)),
  ].map((g, i) => ({ id: `set-${i}`, project: "p", ...g }));
  const options = {
    folds: 3,
    seed: 1,
    // Half of each fold's sets validate: the chain of the training half alone sees half the
    // broken steps the refitted one does.
    val: 0.5,
    ranker: { features: ["builtin", "signature"], epochs: 3, hidden: [4] },
  };
  const refit = await crossFitRanker(sets, options);
  const trainOnly = await crossFitRanker(sets, { ...options, refitChain: false });
  assert.equal(refit.length, sets.length);
  assert.deepEqual(refit.map((r) => r.id), sets.map((s) => s.id));
  // The MLP is the same; only the chain model learnt from more sets.
  assert.deepEqual(refit.map((r) => r.mlp), trainOnly.map((r) => r.mlp));
  assert.notDeepEqual(refit.map((r) => r.chain), trainOnly.map((r) => r.chain));
  const meanSuspicion = (oof: typeof refit, broken: boolean) => {
    const v = oof.filter((r) => r.anomaly === broken).map((r) => r.suspicion);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  const surer = meanSuspicion(refit, true), before = meanSuspicion(trainOnly, true);
  assert.ok(surer > before, `broken sets' suspicion out of fold: ${before} → ${surer}`);
  assert.ok(
    meanSuspicion(refit, false) < surer / 2,
    `clean sets stay unsuspected: ${meanSuspicion(refit, false)}`,
  );
});
