import assert from "node:assert/strict";
import type { RawImage } from "../image/mod.ts";
import { analyzeCached } from "./mod.ts";
import { visionCacheKey } from "./analyze_cached.ts";
import type { VisionResult } from "./_types.ts";

/** A stand-in model that counts calls and answers a fixed result. */
function fakeModel(): { calls: number; analyze: (raw: RawImage) => Promise<VisionResult> } {
  const m = {
    calls: 0,
    analyze(raw: RawImage): Promise<VisionResult> {
      m.calls++;
      return Promise.resolve({
        width: raw.width,
        height: raw.height,
        faces: [{ box: [0.1, 0.1, 0.3, 0.3], score: 0.9, detectorScore: 0.8, meshScore: 1 }],
        bodies: [],
        hands: [],
        persons: [],
        objects: [],
        subject: [0.05, 0, 0.35, 0.35],
        embedding: Float32Array.from([0.6, 0.8]),
      });
    },
  };
  return m;
}

const raw = (seed: number): RawImage => ({
  data: Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 31 + seed) % 256),
  width: 4,
  height: 4,
  channels: 3,
});

Deno.test("analyzeCached() calls the model once per distinct image and restores the embedding", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const model = fakeModel();
    const a = await analyzeCached(model, raw(1), { cacheDir: dir, embedding: true });
    const b = await analyzeCached(model, raw(1), { cacheDir: dir, embedding: true });
    assert.equal(model.calls, 1);
    assert.deepEqual(b, a);
    assert.ok(b.embedding instanceof Float32Array);
    await analyzeCached(model, raw(2), { cacheDir: dir, embedding: true });
    await analyzeCached(model, raw(1), { cacheDir: dir, embedding: false });
    assert.equal(model.calls, 3, "other pixels or another embedding flag miss the cache");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("visionCacheKey() depends on pixels, shape and the embedding flag", async () => {
  const k = await visionCacheKey(raw(1), true);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(await visionCacheKey(raw(1), true), k);
  assert.notEqual(await visionCacheKey(raw(3), true), k);
  assert.notEqual(await visionCacheKey({ ...raw(1), width: 2, height: 8 }, true), k);
  assert.notEqual(await visionCacheKey(raw(1), false), k);
});

Deno.test("analyzeCached() sweeps a killed writer's temp file from the cache folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // What a kill -9 between the temp write and the rename leaves (pid 999999999 is not running).
    const dead = `${dir}/.${await visionCacheKey(raw(5), true)}.json.999999999.0a1b2c3d.tmp`;
    await Deno.writeTextFile(dead, "{");
    await Deno.utime(dead, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await analyzeCached(fakeModel(), raw(4), { cacheDir: dir, embedding: true });
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
    assert.deepEqual(names, [`${await visionCacheKey(raw(4), true)}.json`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
