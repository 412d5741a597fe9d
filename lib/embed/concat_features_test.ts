import assert from "node:assert/strict";
import type { ImageFeatures } from "../types.ts";
import { BUILTIN_FEATURE_NAMES } from "./builtin_features.ts";
import { concatFeatures } from "./concat_features.ts";

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
