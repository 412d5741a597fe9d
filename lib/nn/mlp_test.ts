import assert from "node:assert/strict";

function assertAlmostEquals(a: number, b: number, tol: number): void {
  assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} (tol ${tol})`);
}
import { Mlp, OnnxModel } from "./mlp.ts";
import { denseForward, readOnnxMlp } from "./dense_forward.ts";
import { mulberry32 } from "../random/mod.ts";

function randomArray(n: number, rand: () => number): Float32Array {
  return new Float32Array(n).map(() => rand() * 2 - 1);
}

Deno.test("Mlp.gradients() matches finite differences of a linear-readout loss", async () => {
  const rand = mulberry32(3);
  const layers = [5, 7, 4, 2];
  const mlp = await Mlp.create(layers, { seed: 11, threads: 1 });
  const n = 6;
  const x = randomArray(n * 5, rand);
  const r = randomArray(n * 2, rand);
  // L = sum(Y * R) + 0.5 * sum(Y^2): exercises dY depending on Y.
  const loss = (y: Float32Array) => {
    let l = 0;
    const dY = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) {
      l += y[i]! * r[i]! + 0.5 * y[i]! ** 2;
      dY[i] = r[i]! + y[i]!;
    }
    return { loss: l, dY };
  };
  const { grads } = await mlp.gradients(x, n, loss);
  const evalLoss = async () => loss(await mlp.predict(x, n)).loss;
  const eps = 1e-2;
  let checked = 0;
  for (let p = 0; p < mlp.params.length; p++) {
    const param = mlp.params[p]!;
    for (let j = 0; j < param.length; j += 3) {
      const old = param[j]!;
      param[j] = old + eps;
      const up = await evalLoss();
      param[j] = old - eps;
      const down = await evalLoss();
      param[j] = old;
      const numeric = (up - down) / (2 * eps);
      const analytic = grads[p]![j]!;
      assertAlmostEquals(analytic, numeric, 2e-2 * Math.max(1, Math.abs(numeric)));
      checked++;
    }
  }
  assert.ok(checked > 20);
  await mlp.dispose();
});

Deno.test("Mlp.step() with AdamW lowers a regression loss", async () => {
  const rand = mulberry32(5);
  const n = 64;
  const x = randomArray(n * 3, rand);
  const target = new Float32Array(n).map((_, i) => x[3 * i]! - 2 * x[3 * i + 1]!);
  const mlp = await Mlp.create([3, 16, 1], { seed: 2, threads: 1 });
  const opt = mlp.optimiser({ lr: 0.01, weightDecay: 1e-4 });
  const mse = (y: Float32Array) => {
    const dY = new Float32Array(n);
    let l = 0;
    for (let i = 0; i < n; i++) {
      const e = y[i]! - target[i]!;
      l += e * e / n;
      dY[i] = 2 * e / n;
    }
    return { loss: l, dY };
  };
  const first = await mlp.step(opt, x, n, mse);
  let last = first;
  for (let i = 0; i < 200; i++) last = await mlp.step(opt, x, n, mse);
  assert.ok(last < first * 0.1, `loss ${first} -> ${last}`);
  await mlp.dispose();
});

Deno.test("toOnnx() inference through ORT equals denseForward() and applies normalisation", async () => {
  const rand = mulberry32(9);
  const mlp = await Mlp.create([4, 6, 3], { seed: 4, threads: 1 });
  const mean = randomArray(4, rand), invStd = new Float32Array([1, 2, 0.5, 3]);
  const bytes = mlp.toOnnx(mean, invStd);
  const x = randomArray(8, rand);
  const model = await OnnxModel.load(bytes, 4);
  const viaOrt = await model.run(x, 2);
  const dense = readOnnxMlp(bytes);
  const viaTs = denseForward(dense, x, 2);
  const norm = x.map((v, i) => (v - mean[i % 4]!) * invStd[i % 4]!);
  const direct = await mlp.predict(norm, 2);
  for (let i = 0; i < 6; i++) {
    assertAlmostEquals(viaOrt[i]!, viaTs[i]!, 1e-5);
    assertAlmostEquals(viaOrt[i]!, direct[i]!, 1e-5);
  }
  await model.dispose();
  await mlp.dispose();
});

Deno.test("Mlp.gradients() skips rows with zero dY and gets the same gradients", async () => {
  const rand = mulberry32(12);
  const layers = [4, 6, 5, 1];
  const mlp = await Mlp.create(layers, { seed: 8, threads: 1 });
  const n = 8, keep = [1, 5];
  const x = randomArray(n * 4, rand);
  const weightOf = (r: number) => (keep.includes(r) ? r + 1 : 0);
  const all = await mlp.gradients(x, n, (y) => ({
    loss: 0,
    dY: new Float32Array(y.length).map((_, r) => weightOf(r) * (y[r]! + 1)),
  }));
  assert.equal(mlp.rows.forward, n);
  assert.equal(mlp.rows.backward, keep.length);
  const xs = new Float32Array(keep.flatMap((r) => [...x.subarray(r * 4, r * 4 + 4)]));
  const sub = await mlp.gradients(xs, keep.length, (y) => ({
    loss: 0,
    dY: new Float32Array(y.length).map((_, i) => weightOf(keep[i]!) * (y[i]! + 1)),
  }));
  let nonZero = 0;
  all.grads.forEach((g, p) =>
    g.forEach((v, j) => {
      assertAlmostEquals(v, sub.grads[p]![j]!, 1e-5);
      if (v !== 0) nonZero++;
    })
  );
  assert.ok(nonZero > 10);
  await mlp.dispose();
});
