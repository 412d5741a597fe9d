import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeCount, type DecodedImage, encodeRaw } from "../image/mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import {
  embedFiles,
  openFeatureCache,
  type PixelBlock,
  pixelBlockKey,
  registerPixelBlock,
} from "./mod.ts";
import { resolvePixelBlocks } from "./pixel_block.ts";
import { PIXEL_BLOCKS } from "./pixel_block.ts";
import { makeTestEncoder } from "../../tests/fixtures/make_test_encoder.ts";

async function writeImages(dir: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(dir, `img_${i}.png`);
    await Deno.writeFile(p, await encodeRaw(synthImage(40 + 8 * i, 56, { seed: 11 + i })));
    out.push(p);
  }
  return out;
}

/** Mean of each RGB channel of the work image, plus its size; counts its calls. */
function meanBlock(version = "v1", name = "mean"): PixelBlock & { calls: number } {
  const block = {
    name,
    version,
    calls: 0,
    compute(d: DecodedImage): Float32Array {
      block.calls++;
      const { data, width, height, channels } = d.work;
      const out = new Float32Array(channels + 2);
      for (let i = 0; i < data.length; i++) out[i % channels]! += data[i]!;
      for (let c = 0; c < channels; c++) out[c]! /= width * height;
      out[channels] = width;
      out[channels + 1] = height;
      return out;
    },
  };
  return block;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("embedFiles() computes a pixel block in the one decode, then reads it from the cache", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 3);
    const cacheDb = join(dir, "c.sqlite");
    const block = meanBlock();
    const d0 = decodeCount();
    const r1 = await embedFiles(files, { cacheDb, blocks: [block] });
    assert.equal(decodeCount() - d0, 3);
    assert.equal(block.calls, 3);
    for (const f of r1.byPath.values()) {
      const b = f.blocks!.mean!;
      assert.equal(b.length, 5);
      assert.equal(Math.min(b[3]!, b[4]!), 224); // work image: shortest side 224
      assert.ok(b[0]! > 0 && b[0]! < 255);
    }
    const d1 = decodeCount();
    const r2 = await embedFiles(files, { cacheDb, blocks: [block] });
    assert.equal(decodeCount() - d1, 0);
    assert.equal(block.calls, 3);
    assert.equal(r2.stats.cached, 3);
    assert.deepEqual(r2.stats.block_ids, ["mean@v1"]);
    for (const p of files) {
      assert.deepEqual(r2.byPath.get(p)!.blocks, r1.byPath.get(p)!.blocks);
    }
  }));

Deno.test("embedFiles() decodes a cached image once to add a missing block, computing only that block", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 2);
    const cacheDb = join(dir, "c.sqlite");
    const base = await embedFiles(files, { cacheDb });
    const mean = meanBlock();
    const other = meanBlock("v1", "other");
    await embedFiles(files.slice(0, 1), { cacheDb, blocks: [mean] });
    assert.equal(mean.calls, 1);
    const d0 = decodeCount();
    const r = await embedFiles(files, { cacheDb, blocks: [mean, other] });
    assert.equal(decodeCount() - d0, 2);
    assert.equal(mean.calls, 2); // only files[1] lacked "mean"
    assert.equal(other.calls, 2);
    assert.equal(r.stats.blocks_only, 2);
    assert.equal(r.stats.cached, 0);
    for (const p of files) {
      const f = r.byPath.get(p)!;
      assert.deepEqual(Object.keys(f.blocks!).sort(), ["mean", "other"]);
      assert.deepEqual(Array.from(f.builtin), Array.from(base.byPath.get(p)!.builtin));
    }
  }));

Deno.test("embedFiles() recomputes a pixel block when its version changes", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 2);
    const cacheDb = join(dir, "c.sqlite");
    await embedFiles(files, { cacheDb, blocks: [meanBlock("v1")] });
    const v2 = meanBlock("v2");
    const d0 = decodeCount();
    const r = await embedFiles(files, { cacheDb, blocks: [v2] });
    assert.equal(decodeCount() - d0, 2);
    assert.equal(v2.calls, 2);
    assert.deepEqual(r.stats.block_ids, ["mean@v2"]);
    // Both versions stay cached: going back to v1 decodes nothing.
    const d1 = decodeCount();
    await embedFiles(files, { cacheDb, blocks: [meanBlock("v1")] });
    assert.equal(decodeCount() - d1, 0);
  }));

Deno.test("embedFiles() answers a moved file's pixel blocks from its content hash", () =>
  withDir(async (dir) => {
    const [a] = await writeImages(dir, 1);
    const cacheDb = join(dir, "c.sqlite");
    const block = meanBlock();
    const r1 = await embedFiles([a!], { cacheDb, blocks: [block] });
    const moved = join(dir, "moved.png");
    await Deno.rename(a!, moved);
    const d0 = decodeCount();
    const r2 = await embedFiles([moved], { cacheDb, blocks: [block] });
    assert.equal(decodeCount() - d0, 0);
    assert.equal(block.calls, 1);
    assert.deepEqual(r2.byPath.get(moved)!.blocks, r1.byPath.get(a!)!.blocks);
  }));

Deno.test("embedFiles() without blocks gives no blocks field, even over a cache that has them", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 2);
    const plain = await embedFiles(files, { cacheDb: join(dir, "plain.sqlite") });
    const cacheDb = join(dir, "c.sqlite");
    await embedFiles(files, { cacheDb, blocks: [meanBlock()] });
    const d0 = decodeCount();
    const r = await embedFiles(files, { cacheDb });
    assert.equal(decodeCount() - d0, 0);
    assert.deepEqual(r.stats.block_ids, []);
    for (const p of files) {
      const f = r.byPath.get(p)!;
      assert.equal("blocks" in f, false);
      assert.equal("blocks" in plain.byPath.get(p)!, false);
      assert.deepEqual(f, plain.byPath.get(p));
    }
  }));

Deno.test("featuresForPaths() returns the last run's pixel blocks and treats a lacking image as missing", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 3);
    const cacheDb = join(dir, "c.sqlite");
    await embedFiles(files, { cacheDb });
    const r = await embedFiles(files.slice(0, 2), { cacheDb, blocks: [meanBlock()] });
    using cache = openFeatureCache(cacheDb);
    const { byPath, missing } = cache.featuresForPaths(files);
    assert.deepEqual(missing, [files[2]]);
    for (const p of files.slice(0, 2)) {
      assert.deepEqual(byPath.get(p)!.blocks, r.byPath.get(p)!.blocks);
    }
    const shas = files.slice(0, 2).map((p) => r.byPath.get(p)!.sha256);
    const bulk = cache.getBlocks([...shas, "0".repeat(64)], { mean: "mean@v1", x: "x@v1" });
    assert.deepEqual([...bulk.keys()].sort(), [...shas].sort());
    assert.deepEqual(Object.keys(bulk.get(shas[0]!)!), ["mean"]);
  }));

Deno.test("embedFiles() lists a file whose block throws as failed, naming the block", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 2);
    let n = 0;
    const flaky: PixelBlock = {
      name: "flaky",
      version: "v1",
      compute: () => {
        if (n++ === 0) throw new Error("boom");
        return new Float32Array([1]);
      },
    };
    const r = await embedFiles(files, {
      cacheDb: join(dir, "c.sqlite"),
      blocks: [flaky],
      concurrency: 1,
    });
    assert.equal(r.failed.length, 1);
    assert.match(r.failed[0]!.detail, /"flaky@v1": boom/);
    assert.equal(r.byPath.size, 1);
  }));

Deno.test("resolvePixelBlocks() splits registered blocks from built-in names and rejects unknown ones", () => {
  const registry: Record<string, PixelBlock> = {};
  const b = meanBlock("v3", "test_mean");
  registerPixelBlock(b); // into the shared registry (removed below)
  registry[b.name] = b;
  const { blocks, rest } = resolvePixelBlocks(["builtin", "test_mean", "embedding"], { registry });
  assert.deepEqual(blocks.map(pixelBlockKey), ["test_mean@v3"]);
  assert.deepEqual(rest, ["builtin", "embedding"]);
  assert.equal(resolvePixelBlocks(["test_mean"]).blocks[0], b);
  delete PIXEL_BLOCKS[b.name];
  assert.throws(() => resolvePixelBlocks(["nope"], { registry }), /"nope".*builtin.*test_mean/);
  assert.throws(() => registerPixelBlock({ ...b, name: "builtin" }), /not one of/);
  assert.throws(() => registerPixelBlock({ ...b, version: "" }), /version is empty/);
});

Deno.test("embedFiles() reuses stored pixel blocks when only the encoder changed", () =>
  withDir(async (dir) => {
    const files = await writeImages(dir, 2);
    const cacheDb = join(dir, "c.sqlite");
    const block = meanBlock();
    const r1 = await embedFiles(files, { cacheDb, blocks: [block] });
    const { bytes, config } = makeTestEncoder({ seed: 4, inputSize: 32, dim: 8 });
    const model = join(dir, "enc.onnx");
    await Deno.writeFile(model, bytes);
    const d0 = decodeCount();
    const r2 = await embedFiles(files, {
      cacheDb,
      blocks: [block],
      model: { path: model, config },
    });
    assert.equal(decodeCount() - d0, 2); // the embedding needs the pixels…
    assert.equal(block.calls, 2); // …but the block is read, not recomputed
    for (const p of files) {
      assert.equal(r2.byPath.get(p)!.embedding!.length, 8);
      assert.deepEqual(r2.byPath.get(p)!.blocks, r1.byPath.get(p)!.blocks);
    }
  }));
