import assert from "node:assert/strict";
import { Adam } from "./adam.ts";

Deno.test("Adam.step() follows the AdamW formula with bias correction and a decay mask", () => {
  const lr = 0.05, b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 0.1;
  const w = new Float32Array([0.5, -1, 2]), b = new Float32Array([0.3]);
  const ref = { w: [...w], b: [...b] }, m = [[0, 0, 0], [0]], v = [[0, 0, 0], [0]];
  const opt = new Adam([w, b], {
    lr,
    beta1: b1,
    beta2: b2,
    eps,
    weightDecay: wd,
    decayMask: [true, false],
  });
  for (let t = 1; t <= 3; t++) {
    const gw = new Float32Array([0.1 * t, -0.2, 0.3 / t]), gb = new Float32Array([-0.5]);
    opt.step([w, b], [gw, gb]);
    [[ref.w, gw, 0], [ref.b, gb, 1]].forEach(([p, g, i]) => {
      const pa = p as number[], ga = g as Float32Array, k = i as number;
      for (let j = 0; j < pa.length; j++) {
        m[k]![j] = b1 * m[k]![j]! + (1 - b1) * ga[j]!;
        v[k]![j] = b2 * v[k]![j]! + (1 - b2) * ga[j]! ** 2;
        const mh = m[k]![j]! / (1 - b1 ** t), vh = v[k]![j]! / (1 - b2 ** t);
        pa[j] = pa[j]! - lr * (mh / (Math.sqrt(vh) + eps) + (k === 0 ? wd : 0) * pa[j]!);
      }
    });
  }
  ref.w.forEach((r, j) => assert.ok(Math.abs(w[j]! - r) < 1e-6, `w${j} ${w[j]} vs ${r}`));
  assert.ok(Math.abs(b[0]! - ref.b[0]!) < 1e-6, `b ${b[0]} vs ${ref.b[0]}`);
});

Deno.test("Adam.step() rejects a gradient of the wrong length", () => {
  const w = new Float32Array(3);
  assert.throws(() => new Adam([w]).step([w], [new Float32Array(2)]), /Cannot step Adam/);
});
