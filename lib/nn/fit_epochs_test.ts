import assert from "node:assert/strict";
import { fitEpochs, type FitLoss } from "./fit_epochs.ts";
import { Mlp } from "./mlp.ts";
import { mulberry32 } from "../random/mod.ts";

/** Rows of a noisy linear target, standardised-ish. */
function regression(n: number, seed: number): { x: Float32Array; t: Float32Array } {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * 3).map(() => rand() * 2 - 1);
  const t = new Float32Array(n).map((_, i) => x[3 * i]! - 2 * x[3 * i + 1]! + 0.1 * rand());
  return { x, t };
}

function mseOn(t: Float32Array): FitLoss {
  return (y, dY, batch) => {
    let l = 0;
    batch.items.forEach((item, b) => {
      const e = y[b]! - t[item]!;
      l += e * e / batch.rows;
      dY[b] = 2 * e / batch.rows;
    });
    return { loss: l, weight: batch.rows };
  };
}

Deno.test("fitEpochs() gives the same learning curve for the same seed and another for another", async () => {
  const { x, t } = regression(96, 1);
  const run = async (seed: number) => {
    const mlp = await Mlp.create([3, 8, 1], { seed: 3, threads: 1 });
    const fit = await fitEpochs(mlp, { x, loss: mseOn(t) }, { seed, epochs: 4, batchItems: 10 });
    await mlp.dispose();
    return fit.history.map((r) => r.loss);
  };
  const a = await run(7), b = await run(7), c = await run(8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.ok(a.at(-1)! < a[0]!, `loss ${a[0]} -> ${a.at(-1)}`);
});

Deno.test("fitEpochs() restores the best validated epoch and stops after patience", async () => {
  const { x, t } = regression(64, 2);
  const mlp = await Mlp.create([3, 8, 1], { seed: 1, threads: 1 });
  // A validation score that peaks at epoch 3, then falls.
  let calls = 0, snapAt3: Float32Array[] = [];
  const fit = await fitEpochs(mlp, { x, loss: mseOn(t) }, {
    epochs: 50,
    batchItems: 16,
    optimiser: { lr: 0.01 },
    patience: 2,
    validate: () => {
      calls++;
      if (calls === 3) snapAt3 = mlp.snapshot();
      return Promise.resolve({ score: -Math.abs(calls - 3), metrics: { calls } });
    },
  });
  assert.equal(fit.bestEpoch, 3);
  assert.equal(fit.epochsRun, 5);
  assert.deepEqual(fit.history.map((r) => r.calls), [1, 2, 3, 4, 5]);
  assert.deepEqual(mlp.params, snapAt3);
  await mlp.dispose();
});

Deno.test("fitEpochs() validates every k epochs and after the last one", async () => {
  const { x, t } = regression(32, 3);
  const mlp = await Mlp.create([3, 4, 1], { seed: 1, threads: 1 });
  const fit = await fitEpochs(mlp, { x, loss: mseOn(t) }, {
    epochs: 7,
    batchItems: 8,
    validateEvery: 3,
    validate: () => Promise.resolve({ score: 0, metrics: {} }),
  });
  assert.deepEqual(fit.history.map((r) => r.epoch), [3, 6, 7]);
  assert.equal(fit.steps, 7 * 4);
  await mlp.dispose();
});

Deno.test("fitEpochs() hands the loss whole items with their own rows, shuffled", async () => {
  // Item i has i % 3 + 1 rows, each row filled with the value i.
  const sizes = Array.from({ length: 20 }, (_, i) => (i % 3) + 1);
  const offsets = [0];
  for (const s of sizes) offsets.push(offsets.at(-1)! + s);
  const x = new Float32Array(offsets.at(-1)! * 2);
  sizes.forEach((_, i) => x.fill(i, offsets[i]! * 2, offsets[i + 1]! * 2));
  const seen: number[] = [];
  const mlp = await Mlp.create([2, 1], { seed: 1, threads: 1 });
  const w = mlp.params[0]!;
  w.set([1, 0]); // y = first column = the item's value while lr is 0
  await fitEpochs(mlp, {
    x,
    offsets,
    loss: (y, _dY, batch) => {
      batch.items.forEach((item, b) => {
        const a = batch.offsets[b]!, e = batch.offsets[b + 1]!;
        assert.equal(e - a, sizes[item]);
        for (let r = a; r < e; r++) assert.equal(y[r], item);
      });
      seen.push(...batch.items);
      return { loss: 0, weight: 1 };
    },
  }, { epochs: 1, batchItems: 6, optimiser: { lr: 0 } });
  assert.deepEqual([...seen].sort((a, b) => a - b), sizes.map((_, i) => i));
  assert.notDeepEqual(seen, sizes.map((_, i) => i));
  await mlp.dispose();
});
