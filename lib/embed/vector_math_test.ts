import assert from "node:assert/strict";
import type { ImageFeatures } from "../types.ts";
import { BUILTIN_FEATURE_NAMES } from "./builtin_features.ts";
import { concatFeatures } from "./concat_features.ts";
import { cosine, l2normalize } from "./vector_math.ts";

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

Deno.test("concatFeatures() normalises each block so none dominates by scale", () => {
  const f: ImageFeatures = {
    sha256: "x",
    width: 10,
    height: 10,
    phash: [0xffffffff, 0],
    builtin: new Float32Array(BUILTIN_FEATURE_NAMES.length).fill(3),
    embedding: new Float32Array(512).fill(100),
    blocks: { vision: new Float32Array([0, 5]) },
  };
  const v = concatFeatures(f, { blocks: ["embedding", "builtin", "phash", "vision"] });
  assert.equal(v.length, 512 + BUILTIN_FEATURE_NAMES.length + 64 + 2);
  const norm = (a: Float32Array): number => Math.hypot(...a);
  assert.ok(Math.abs(norm(v.subarray(0, 512)) - 1) < 1e-5);
  assert.ok(norm(v.subarray(512, 537)) <= 5 + 1e-5);
  assert.ok(Math.abs(norm(v.subarray(537, 601)) - 1) < 1e-5);
  assert.deepEqual(Array.from(v.subarray(601)), [0, 1]);
  const noEmb = concatFeatures({ ...f, embedding: null }, { weights: { builtin: 2 } });
  assert.equal(noEmb.length, BUILTIN_FEATURE_NAMES.length);
  assert.throws(() => concatFeatures(f, { blocks: ["missing"] }), RangeError);
});
