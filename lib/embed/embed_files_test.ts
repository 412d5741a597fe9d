import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeCount, encodeRaw } from "../image/mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { embedFiles, openFeatureCache } from "./mod.ts";
import { makeTestEncoder } from "../../tests/fixtures/make_test_encoder.ts";

async function writeImages(dir: string, n: number, seed0 = 1): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(dir, `img_${seed0 + i}.png`);
    await Deno.writeFile(p, await encodeRaw(synthImage(48 + 8 * i, 64, { seed: seed0 + i })));
    out.push(p);
  }
  return out;
}

async function writeModel(dir: string, seed: number): Promise<{ path: string; config: string }> {
  const { bytes, config } = makeTestEncoder({ seed, inputSize: 32, dim: 16 });
  const path = join(dir, `enc_${seed}.onnx`);
  await Deno.writeFile(path, bytes);
  const cfgPath = join(dir, `enc_${seed}.json`);
  await Deno.writeTextFile(cfgPath, JSON.stringify(config));
  return { path, config: cfgPath };
}

Deno.test("embedFiles() decodes each file once per run and never again once cached", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeImages(dir, 4);
    const model = await writeModel(dir, 1);
    const cacheDb = join(dir, "c.sqlite");
    const d0 = decodeCount();
    const r1 = await embedFiles([...files, files[0]!], { cacheDb, model, concurrency: 3 });
    assert.equal(decodeCount() - d0, 4);
    assert.equal(r1.stats.embedded, 4);
    assert.equal(r1.byPath.size, 4);
    for (const f of r1.byPath.values()) {
      const e = f.embedding!;
      assert.equal(e.length, 16);
      assert.ok(Math.abs(Math.hypot(...e) - 1) < 1e-5);
    }
    const d1 = decodeCount();
    const r2 = await embedFiles(files, { cacheDb, model });
    assert.equal(decodeCount() - d1, 0);
    assert.equal(r2.stats.cached, 4);
    for (const p of files) {
      assert.deepEqual(
        Array.from(r2.byPath.get(p)!.embedding!),
        Array.from(r1.byPath.get(p)!.embedding!),
      );
      assert.deepEqual(r2.byPath.get(p)!.phash, r1.byPath.get(p)!.phash);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFiles() answers a moved file from its content hash without decoding", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [a] = await writeImages(dir, 1);
    const model = await writeModel(dir, 1);
    const cacheDb = join(dir, "c.sqlite");
    const r1 = await embedFiles([a!], { cacheDb, model });
    await Deno.mkdir(join(dir, "elsewhere"));
    const moved = join(dir, "elsewhere", "renamed.png");
    await Deno.rename(a!, moved);
    const d0 = decodeCount();
    const r2 = await embedFiles([moved], { cacheDb, model });
    assert.equal(decodeCount() - d0, 0);
    assert.equal(r2.stats.cached, 1);
    assert.equal(r2.byPath.get(moved)!.sha256, r1.byPath.get(a!)!.sha256);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFiles() recomputes when the model file changes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeImages(dir, 3);
    const cacheDb = join(dir, "c.sqlite");
    const m1 = await writeModel(dir, 1);
    const r1 = await embedFiles(files, { cacheDb, model: m1 });
    // Same path, new weights: the identity is the file's hash, not its name.
    const m2 = await writeModel(dir, 2);
    await Deno.rename(m2.path, m1.path);
    const d0 = decodeCount();
    const r2 = await embedFiles(files, { cacheDb, model: m1 });
    assert.equal(decodeCount() - d0, 3);
    assert.equal(r2.stats.embedded, 3);
    assert.notEqual(r2.stats.encoder_id, r1.stats.encoder_id);
    assert.notDeepEqual(r2.byPath.get(files[0]!)!.embedding, r1.byPath.get(files[0]!)!.embedding);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFiles() resumes: a second run computes only what the first did not store", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeImages(dir, 5);
    const cacheDb = join(dir, "c.sqlite");
    const model = await writeModel(dir, 3);
    // A run that stopped after two files (as if killed) left those two stored.
    await embedFiles(files.slice(0, 2), { cacheDb, model, batchSize: 1 });
    const d0 = decodeCount();
    const r = await embedFiles(files, { cacheDb, model });
    assert.equal(decodeCount() - d0, 3);
    assert.equal(r.stats.cached, 2);
    assert.equal(r.stats.embedded, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFiles() reports each bad input by path and reason and embeds the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = await writeImages(dir, 2);
    const png = await Deno.readFile(good[0]!);
    const bad: Record<string, string> = {};
    const put = async (name: string, bytes: Uint8Array, reason: string): Promise<void> => {
      const p = join(dir, name);
      await Deno.writeFile(p, bytes);
      bad[p] = reason;
    };
    await put("truncated.png", png.subarray(0, Math.floor(png.length / 2)), "truncated");
    await put("empty.png", new Uint8Array(0), "zero_byte");
    await put(
      "text.png",
      new TextEncoder().encode("just some text, not a picture\n"),
      "not_an_image",
    );
    const huge = png.slice();
    new DataView(huge.buffer).setUint32(16, 60000);
    new DataView(huge.buffer).setUint32(20, 60000);
    await put("huge.png", huge, "too_many_pixels");
    const loop = join(dir, "loop.png");
    await Deno.symlink(join(dir, "loop2.png"), loop);
    await Deno.symlink(loop, join(dir, "loop2.png"));
    bad[loop] = "unreadable";
    const folder = join(dir, "folder.png");
    await Deno.mkdir(folder);
    bad[folder] = "not_a_file";
    const locked = join(dir, "locked.png");
    await Deno.writeFile(locked, png);
    await Deno.chmod(locked, 0o000);
    // root reads through mode 000, so only an unprivileged run can see this failure.
    const isRoot = Deno.uid() === 0;
    if (!isRoot) bad[locked] = "unreadable";
    const all = [...good, ...Object.keys(bad), ...(isRoot ? [] : [locked])];
    const r = await embedFiles(all, { cacheDb: join(dir, "c.sqlite") });
    const got = Object.fromEntries(r.failed.map((f) => [f.path, f.reason]));
    assert.deepEqual(got, bad);
    for (const g of good) assert.ok(r.byPath.has(g));
    assert.equal(r.stats.failed, Object.keys(bad).length);
    await Deno.chmod(locked, 0o644);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openFeatureCache().featuresForPaths() returns cached features without reading files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeImages(dir, 3);
    const cacheDb = join(dir, "c.sqlite");
    const r = await embedFiles(files, { cacheDb });
    using cache = openFeatureCache(cacheDb);
    const extra = join(dir, "never.png");
    const { byPath, missing } = cache.featuresForPaths([...files, extra]);
    assert.deepEqual(missing, [extra]);
    for (const p of files) {
      assert.deepEqual(Array.from(byPath.get(p)!.builtin), Array.from(r.byPath.get(p)!.builtin));
      assert.equal(byPath.get(p)!.embedding, null);
    }
    // A touched (changed) file is no longer answered from the path index.
    await Deno.utime(files[0]!, new Date(), new Date(Date.now() + 5000));
    assert.deepEqual(cache.featuresForPaths([files[0]!]).missing, [files[0]!]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("embedFiles() sweeps thumbnail temp files a killed embed left in the thumbnail folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const files = await writeImages(dir, 1);
    const thumbs = join(dir, "thumbs");
    await Deno.mkdir(thumbs);
    const stale = join(thumbs, `.${"a".repeat(64)}_224.jpg.99999999.0a1b2c3d.tmp`);
    await Deno.writeTextFile(stale, "half a jpeg");
    const r = await embedFiles(files, { cacheDb: join(dir, "c.sqlite"), thumbnailDir: thumbs });
    assert.equal(r.byPath.size, 1);
    await assert.rejects(() => Deno.lstat(stale), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
