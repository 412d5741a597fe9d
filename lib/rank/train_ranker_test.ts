import assert from "node:assert/strict";
import { syntheticGroups } from "../../tests/fixtures/synthetic.ts";
import {
  chainGroups,
  chainLayout,
  type ChainTestGroup,
} from "../../tests/fixtures/chain_groups.ts";
import {
  highestStageScores,
  isAnomaly,
  loadRanker,
  refitRankerChain,
  saveRanker,
  trainRanker,
  type TrainRankerOptions,
} from "./mod.ts";
import { fallbackRanker } from "./ranker.ts";
import { fitTemperature } from "./calibration.ts";
import { evaluateChain, fitChainModel } from "./chain_model.ts";
import type { TrainedRanker } from "./train_ranker.ts";

function argmax(v: number[]): number {
  return v.reduce((b, x, i) => (x > v[b]! ? i : b), 0);
}

Deno.test("trainRanker() learns to skip a defective top-stage image that highest-stage keeps", async () => {
  const groups = syntheticGroups(400, { seed: 5, defectRate: 0.25 });
  const train = groups.slice(0, 300), val = groups.slice(300, 350), test = groups.slice(350);
  const model = await trainRanker(train, val, { epochs: 30, threads: 1, hidden: [32] });
  const ranker = await (async () => {
    const dir = await Deno.makeTempDir();
    await saveRanker(dir, model);
    const r = await loadRanker(dir, { fallback: false });
    await Deno.remove(dir, { recursive: true });
    return r;
  })();
  let ok = 0, base = 0, anomalies = 0, anomalyOk = 0;
  for (const g of test) {
    const res = ranker.rank(g.members);
    assert.ok(Math.abs(res.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    assert.equal(res.notes.length, g.members.length);
    const hit = argmax(res.scores) === g.chosen;
    if (hit) ok++;
    if (argmax(highestStageScores(g.members)) === g.chosen) base++;
    if (isAnomaly(g)) {
      anomalies++;
      if (hit) anomalyOk++;
    }
  }
  assert.ok(anomalies > 0);
  assert.ok(ok > base, `model ${ok} vs highest stage ${base} of ${test.length}`);
  assert.ok(anomalyOk / anomalies > 0.6, `anomaly ${anomalyOk}/${anomalies}`);
  assert.ok(model.meta.temperature > 0);
});

Deno.test("trainRanker() with the pairwise hinge is deterministic and beats random picks", async () => {
  const groups = syntheticGroups(160, { seed: 9, defectRate: 0.25 });
  const train = groups.slice(0, 120), val = groups.slice(120);
  const opts: TrainRankerOptions = {
    epochs: 6,
    threads: 1,
    hidden: [16],
    lr: 0.01,
    loss: "hinge",
    anomalyWeight: 10,
    select: "val_anomaly_acc",
  };
  const a = await trainRanker(train, val, opts), b = await trainRanker(train, val, opts);
  assert.deepEqual(a.meta.history, b.meta.history);
  assert.deepEqual(a.onnx, b.onnx);
  const best = a.meta.history.find((r) => r.epoch === a.meta.best_epoch)!;
  const random = val.reduce((s, g) => s + 1 / g.members.length, 0) / val.length;
  assert.ok(best.val_acc > random + 0.3, `val acc ${best.val_acc} vs random ${random}`);
});

Deno.test("fitTemperature() softens over-confident scores and sharpens timid ones", () => {
  const over = [{ scores: [10, 0], chosen: 0 }, { scores: [10, 0], chosen: 1 }, {
    scores: [10, 0],
    chosen: 0,
  }];
  assert.ok(fitTemperature(over) > 2);
  const timid = Array.from({ length: 10 }, () => ({ scores: [0.1, 0], chosen: 0 }));
  assert.ok(fitTemperature(timid) < 0.5);
});

Deno.test("fitTemperature() with its prior keeps a perfect validation set from driving T to 0", () => {
  const perfect = Array.from(
    { length: 50 },
    (_, i) => ({ scores: [2 + (i % 5), 0, -1], chosen: 0 }),
  );
  const plain = fitTemperature(perfect, { priorSd: Infinity });
  const held = fitTemperature(perfect);
  assert.ok(plain <= 0.06, `without prior ${plain}`);
  assert.ok(held > 0.2 && held < 1, `with prior ${held}`);
});

Deno.test("fallbackRanker() picks the highest stage with probability 0.9", () => {
  const [g] = syntheticGroups(1, { seed: 2 });
  const r = fallbackRanker().rank(g!.members);
  const top = argmax(r.scores);
  assert.equal(g!.members[top]!.stage, Math.max(...g!.members.map((m) => m.stage ?? 0)));
  assert.equal(r.probabilities[top], 0.9);
});

Deno.test("trainRanker() follows the heavier of two contradicting labels (a review's weight)", async () => {
  const old = syntheticGroups(100, { seed: 4, defectRate: 0 });
  // The same groups picked differently: the creator's newer taste, as reviews would record it.
  const newer = old.map((g) => ({
    ...g,
    id: `${g.id}/new`,
    chosen: (g.chosen + 1) % g.members.length,
  }));
  const val = [...old.slice(0, 15), ...newer.slice(0, 15)];
  const opts: TrainRankerOptions = { epochs: 12, threads: 1, hidden: [16], select: "val_nll" };
  const agree = async (weightNew: number, weightOld: number): Promise<number> => {
    const m = await trainRanker(
      [
        ...old.map((g) => ({ ...g, weight: weightOld })),
        ...newer.map((g) => ({ ...g, weight: weightNew })),
      ],
      val,
      opts,
    );
    const ranker = await (async () => {
      const dir = await Deno.makeTempDir();
      await saveRanker(dir, m);
      const r = await loadRanker(dir, { fallback: false });
      await Deno.remove(dir, { recursive: true });
      return r;
    })();
    return newer.filter((g) => argmax(ranker.rank(g.members).scores) === g.chosen).length;
  };
  const heavyNew = await agree(4, 1), heavyOld = await agree(1, 4);
  assert.ok(
    heavyNew > heavyOld,
    `newer picks followed: ${heavyNew} (newer ×4) vs ${heavyOld} (older ×4)`,
  );
});

/** A ranker around a chain model fitted on `train` (the MLP part is never run here). */
function chainRanker(train: ChainTestGroup[]): TrainedRanker {
  const layout = chainLayout(train);
  const chain = fitChainModel(train, layout, { brokenWeight: 2 })!;
  return {
    onnx: new Uint8Array([1, 2, 3]),
    meta: {
      kind: "ranker",
      identity: "ranker-test+chain-s1",
      layout,
      group_context: true,
      layers: [2, 1],
      temperature: 1,
      auto_approve_threshold: null,
      hyperparameters: {},
      history: [],
      best_epoch: 0,
      created: "2026-12-06T00:00:00.000Z",
      chain: { ...chain, mix: { mlp: 1, chain: 4 }, validation: {} },
    },
  };
}

Deno.test("refitRankerChain() fits the chain model again on every set given, keeping its mix", () => {
  const { group } = chainGroups(3);
  const train = [
    ...Array.from({ length: 60 }, () => group(false, 2)),
    ...Array.from({ length: 3 }, () => group(true, 1)),
  ];
  const val = [
    ...Array.from({ length: 15 }, () => group(false, 2)),
    ...Array.from({ length: 6 }, () => group(true, 1)),
  ];
  const model = chainRanker(train);
  const refit = refitRankerChain(model, [...train, ...val]);
  const before = model.meta.chain!, after = refit.meta.chain!;
  // Two steps per set; one broken step per set that kept stage 1.5.
  assert.equal(before.steps, 2 * 63);
  assert.equal(before.broken, 3);
  assert.equal(after.steps, 2 * 84);
  assert.equal(after.broken, 9);
  assert.equal(after.refit_sets, 84);
  assert.equal(before.refit_sets, undefined);
  assert.deepEqual(after.mix, before.mix);
  assert.deepEqual(after.taste, before.taste);
  assert.equal(after.broken_weight, 2);
  assert.ok(after.cv_nll, "penalty cross-validated on the new sets");
  // The model itself and its layout are untouched; the new chain is surer of a pasted patch.
  assert.equal(model.meta.chain, before);
  assert.equal(refit.meta.layout, model.meta.layout);
  const broken = (m: TrainedRanker) => {
    let s = 0;
    for (let k = 0; k < 10; k++) {
      s += evaluateChain(m.meta.chain!, group(true, 1).members, m.meta.layout)!.steps[1]!.broken;
    }
    return s / 10;
  };
  assert.ok(broken(refit) > broken(model), `${broken(model)} → ${broken(refit)}`);
  // Without a chain model: unchanged.
  const { chain: _, ...plain } = model.meta;
  const mlpOnly = { onnx: model.onnx, meta: plain };
  assert.equal(refitRankerChain(mlpOnly, [...train, ...val]), mlpOnly);
});

Deno.test("loadRanker() refuses a saved chain model that does not fit its layout, naming file and field", async () => {
  const { group } = chainGroups(4);
  const model = chainRanker([
    ...Array.from({ length: 40 }, () => group(false, 2)),
    ...Array.from({ length: 6 }, () => group(true, 1)),
  ]);
  model.meta.chain!.coef = model.meta.chain!.coef.slice(0, -3);
  const dir = await Deno.makeTempDir();
  try {
    await saveRanker(dir, model);
    await assert.rejects(
      () => loadRanker(dir),
      (e: Error) =>
        e.message.includes(`${dir}/ranker.json" field chain: coef has`) &&
        e.message.includes("deno task train"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
