import assert from "node:assert/strict";
import { join } from "node:path";
import type { ImageFeatures } from "../types.ts";
import { FeatureCache } from "./feature_cache.ts";

function feat(i: number, dim: number): ImageFeatures {
  return {
    sha256: i.toString(16).padStart(64, "0"),
    width: 100 + i,
    height: 50,
    phash: [0xf0000000 + i, i] as [number, number],
    builtin: new Float32Array([i, -i]),
    embedding: new Float32Array(dim).map((_, k) => i * 10 + k),
  };
}

Deno.test("FeatureCache stores by content and loads all embeddings as one matrix", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ids = { featuresId: "f1", encoderId: "e1" };
    {
      using cache = FeatureCache.open(join(dir, "c.sqlite"));
      cache.putMany([feat(1, 4), feat(2, 4)], ids);
      cache.putMany([feat(3, 4), feat(1, 4)], ids); // 1 again (recomputed)
      const one = cache.get(feat(2, 4).sha256, ids)!;
      assert.deepEqual(one.phash, [0xf0000002, 2]);
      assert.deepEqual(Array.from(one.embedding!), [20, 21, 22, 23]);
      assert.equal(cache.get(feat(2, 4).sha256, { ...ids, encoderId: "other" }), null);
      assert.equal(cache.get(feat(2, 4).sha256, { ...ids, encoderId: null })!.embedding, null);
    }
    using ro = FeatureCache.open(join(dir, "c.sqlite"), { readOnly: true });
    const { sha256, dim, matrix } = ro.loadEmbeddings("e1");
    assert.equal(dim, 4);
    assert.deepEqual(sha256, [feat(1, 4).sha256, feat(2, 4).sha256, feat(3, 4).sha256]);
    assert.deepEqual(Array.from(matrix.subarray(8, 12)), [30, 31, 32, 33]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FeatureCache.lookupPath() answers only while size and mtime are unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using cache = FeatureCache.open(join(dir, "c.sqlite"));
    cache.recordPath("a.png", { size: 10, mtimeMs: 5 }, "abc");
    assert.equal(cache.lookupPath("a.png", { size: 10, mtimeMs: 5 }), "abc");
    assert.equal(cache.lookupPath("a.png", { size: 11, mtimeMs: 5 }), null);
    assert.equal(cache.lookupPath("a.png", { size: 10, mtimeMs: 6 }), null);
    assert.equal(cache.lookupPath("b.png", { size: 10, mtimeMs: 5 }), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FeatureCache.loadEmbeddings() copies whole chunks in write order when no vector repeats", async () => {
  const dir = await Deno.makeTempDir();
  try {
    using cache = FeatureCache.open(join(dir, "c.sqlite"));
    const ids = { featuresId: "f1", encoderId: "e1" };
    assert.deepEqual(cache.loadEmbeddings("e1"), {
      sha256: [],
      dim: 0,
      matrix: new Float32Array(0),
    });
    const all = Array.from({ length: 7 }, (_, i) => feat(i, 3));
    cache.putMany(all.slice(0, 3), ids);
    cache.putMany(all.slice(3, 4), ids);
    cache.putMany(all.slice(4), ids);
    cache.putMany([feat(9, 5)], { ...ids, encoderId: "other" });
    const { sha256, dim, matrix } = cache.loadEmbeddings("e1");
    assert.equal(dim, 3);
    assert.deepEqual(sha256, all.map((f) => f.sha256));
    assert.deepEqual(Array.from(matrix), all.flatMap((f) => Array.from(f.embedding!)));
    // Loading twice gives the same answer (the released row buffers were copies).
    assert.deepEqual(cache.loadEmbeddings("e1").matrix, matrix);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
