import assert from "node:assert/strict";
import { cosine, cosineDistance, l2normalize, median } from "./vector_math.ts";

Deno.test("l2normalize() returns a unit copy and keeps zero vectors at zero", () => {
  const v = new Float32Array([3, 4]);
  assert.deepEqual(Array.from(l2normalize(v)), [0.6000000238418579, 0.800000011920929]);
  assert.deepEqual(Array.from(v), [3, 4]);
  assert.deepEqual(Array.from(l2normalize([0, 0, 0])), [0, 0, 0]);
});

Deno.test("cosine() is scale-invariant and rejects length mismatches", () => {
  assert.ok(Math.abs(cosine([1, 0], [1, 1]) - Math.SQRT1_2) < 1e-12);
  assert.ok(Math.abs(cosine([2, 4], [1, 2]) - 1) < 1e-12);
  assert.equal(cosine([0, 0], [1, 2]), 0);
  assert.throws(() => cosine([1], [1, 2]), RangeError);
});

Deno.test("cosineDistance() is 1 - cosine, and 0 when either vector is zero", () => {
  assert.ok(Math.abs(cosineDistance([1, 0], [0, 1]) - 1) < 1e-12);
  assert.ok(Math.abs(cosineDistance([1, 0], [-1, 0]) - 2) < 1e-12);
  assert.equal(cosineDistance([0, 0], [1, 2]), 0);
  assert.throws(() => cosineDistance([1], [1, 2]), RangeError);
});

Deno.test("median() takes the middle value, the mean of the middle two, or 0 for none", () => {
  const v = [5, 1, 3];
  assert.equal(median(v), 3);
  assert.deepEqual(v, [5, 1, 3]);
  assert.equal(median([3, 1, 2, 10]), 2.5);
  assert.equal(median([]), 0);
});
