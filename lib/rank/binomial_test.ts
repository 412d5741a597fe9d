import assert from "node:assert/strict";
import { clopperPearsonLower, incompleteBeta } from "./binomial.ts";

Deno.test("incompleteBeta() matches closed forms", () => {
  assert.ok(Math.abs(incompleteBeta(0.5, 2, 2) - 0.5) < 1e-12);
  // I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a.
  assert.ok(Math.abs(incompleteBeta(0.3, 1, 4) - (1 - 0.7 ** 4)) < 1e-12);
  assert.ok(Math.abs(incompleteBeta(0.8, 5, 1) - 0.8 ** 5) < 1e-12);
  assert.equal(incompleteBeta(0, 3, 3), 0);
  assert.equal(incompleteBeta(1, 3, 3), 1);
});

Deno.test("clopperPearsonLower() is 0.05^(1/n) for all right and matches a binomial tail otherwise", () => {
  assert.ok(Math.abs(clopperPearsonLower(100, 100) - 0.05 ** 0.01) < 1e-12);
  assert.ok(clopperPearsonLower(99, 100) < 0.97, "99 of 100 right does not prove 97 %");
  assert.ok(clopperPearsonLower(100, 100) >= 0.97);
  // At the bound p, P(X >= k | n, p) = alpha: check 95 of 100 by summing the tail.
  const p = clopperPearsonLower(95, 100, 0.05);
  let tail = 0;
  const logC = (n: number, k: number) => {
    let s = 0;
    for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
    return s;
  };
  for (let k = 95; k <= 100; k++) {
    tail += Math.exp(logC(100, k) + k * Math.log(p) + (100 - k) * Math.log(1 - p));
  }
  assert.ok(Math.abs(tail - 0.05) < 1e-6, `tail ${tail}`);
  assert.equal(clopperPearsonLower(0, 10), 0);
  assert.throws(() => clopperPearsonLower(11, 10), RangeError);
});
