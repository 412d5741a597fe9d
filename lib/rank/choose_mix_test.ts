import assert from "node:assert/strict";
import { mulberry32 } from "../random/mod.ts";
import { chooseMixOutOfFold } from "./choose_mix.ts";
import type { OutOfFold } from "./cross_fit.ts";

/** Out-of-fold sets of three members where `good` scores the kept one higher, `bad` is noise. */
function sets(n: number, mlpGood: boolean, seed: number): OutOfFold[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const chosen = i % 5 === 0 ? 1 : 2;
    const good = [0, 1, 2].map((k) => (k === chosen ? 2 : 0) + rand());
    const noise = [0, 1, 2].map(() => 3 * rand());
    const logp = (v: number[]) => {
      const m = Math.max(...v), z = Math.log(v.reduce((s, x) => s + Math.exp(x - m), 0)) + m;
      return v.map((x) => x - z);
    };
    const mlp = mlpGood ? good : noise;
    return {
      id: String(i),
      project: "p",
      chosen,
      scores: mlp,
      temperature: 1,
      suspicion: 0,
      mlp,
      chain: logp(mlpGood ? noise : good),
      anomaly: chosen !== 2,
    };
  });
}

Deno.test("chooseMixOutOfFold() follows whichever part predicts the pick out of fold", () => {
  const chainWins = chooseMixOutOfFold(sets(300, false, 1))!;
  assert.ok(chainWins.mix.chain >= 4 * chainWins.mix.mlp, JSON.stringify(chainWins.mix));
  assert.ok(chainWins.figures["0*mlp+1*chain"]!.acc > 0.9);
  const mlpWins = chooseMixOutOfFold(sets(300, true, 2))!;
  assert.deepEqual(mlpWins.mix, { mlp: 1, chain: 0 });
  assert.ok(mlpWins.temperature > 0);
  // Too little evidence: no choice (validation's stays).
  assert.equal(chooseMixOutOfFold(sets(50, true, 3)), null);
});
