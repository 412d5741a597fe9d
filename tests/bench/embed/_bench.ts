/**
 * Benchmarks of the one-decode pipeline, pHash, encoder pipelining and the
 * cache (`deno task bench --only decode_bound,phash,embed_pipeline,cache_load_100k`).
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { createHash } from "node:crypto";
import {
  bareDecodeResize,
  clipPlan,
  decodeOnce,
  decodeRegion,
  decodeToRgb,
  grey32,
  gridTiles,
  phashFromGrey32,
  probe,
  type RawImage,
  ReadBuffer,
  referencePhash,
  resizeRaw,
  writeJpeg,
} from "../../../lib/image/mod.ts";
import { benchImages, interleaved, REALISTIC_SIZES, throughput } from "./_bench_images.ts";
import {
  computeBuiltinFeatures,
  embedFiles,
  FeatureCache,
  OnnxEmbedder,
} from "../../../lib/embed/mod.ts";
import { makeTestEncoder } from "../../fixtures/make_test_encoder.ts";

const CONCURRENCY = 4;
const count = (quick: boolean): number => quick ? 10 : 200;

const readers: ReadBuffer[] = [];

/** Our full per-image pass: every product from one decode (as embedFiles runs it). */
async function ourPass(path: string, thumbs: string): Promise<void> {
  const reader = readers.pop() ?? new ReadBuffer();
  try {
    const d = await decodeOnce(path, { clipSize: 224, thumbnailDir: thumbs, reader });
    computeBuiltinFeatures(d);
  } finally {
    readers.push(reader);
  }
}

/**
 * Where our pass spends CPU beyond the bare decode+resize: each product of
 * `decodeOnce` + built-in features timed alone, one file at a time (CPU ms per
 * image, libvips threads included), on one file of each realistic size, plus
 * the floors any implementation of the pass is bound by (median of `rounds`).
 */
async function breakdown(
  files: string[],
  thumbs: string,
  rounds: number,
): Promise<Record<string, number>> {
  const perRound: Record<string, number>[] = [];
  const reader = new ReadBuffer();
  const dims = await Promise.all(files.map((f) => probe(f)));
  for (let r = 0; r < rounds; r++) {
    const ms: Record<string, number> = {};
    const time = async <T>(key: string, fn: () => Promise<T> | T): Promise<T> => {
      const c0 = process.cpuUsage();
      const out = await fn();
      const c = process.cpuUsage(c0);
      ms[key] = (ms[key] ?? 0) + (c.user + c.system) / 1e3 / files.length;
      return out;
    };
    for (const [i, f] of files.entries()) {
      const { width, height } = dims[i]!;
      await time("bare_decode_resize", () => bareDecodeResize(f, 224));
      const bytes = await time("read", () => reader.read(f));
      await time("bare_from_bytes", () => bareDecodeResize(bytes, 224));
      // A full decode that hands back almost nothing: the decoder's own cost.
      await time(
        "decode_only",
        () => decodeRegion(bytes, { left: 0, top: height - 10, width, height: 10 }),
      );
      await time("sha256", () => createHash("sha256").update(bytes).digest("hex"));
      const full = await time("decode_full", () => decodeToRgb(bytes, { into: reader.pixels }));
      const p = clipPlan(full.width, full.height, 224);
      const work = await time(
        "resize_work",
        () => resizeRaw(full, { width: p.width, height: p.height, kernel: "cubic" }),
      );
      const tiles = await time("tiles", () => gridTiles(full, 3, 96));
      await time("phash", () => phashFromGrey32(grey32(work.data, work)));
      await time("thumbnail", () => writeJpeg(work, join(thumbs, "breakdown.jpg"), 80));
      await time("builtin", () => computeBuiltinFeatures({ width, height, work, tiles }));
    }
    perRound.push(ms);
  }
  // The full raw image through sharp's own output (what decode_full avoids), timed last: its
  // two fresh full-size buffers per image leave garbage whose collection would land in the
  // steps timed after it.
  for (const ms of perRound) {
    for (const f of files) {
      const bytes = await reader.read(f);
      const c0 = process.cpuUsage();
      await decodeToRgb(bytes);
      const c = process.cpuUsage(c0);
      ms.decode_full_sharp = (ms.decode_full_sharp ?? 0) + (c.user + c.system) / 1e3 / files.length;
    }
  }
  const median = (k: string): number => {
    const v = perRound.map((m) => m[k]!).sort((a, b) => a - b);
    return v[v.length >> 1]!;
  };
  const out: Record<string, number> = {};
  const round1 = (v: number): number => Math.round(v * 10) / 10;
  for (const k of Object.keys(perRound[0]!)) out[`cpu_ms_${k}`] = round1(median(k));
  const m = (k: string): number => median(k);
  // Floors: the bare pass vs the least any pass that reads and hashes the bytes, decodes them
  // once (+ resize) and encodes a thumbnail must spend; then also handing full pixels to JS.
  const materialise = Math.max(0, m("decode_full") - m("decode_only"));
  const floor = m("read") + m("bare_from_bytes") + m("sha256") + m("thumbnail");
  Object.assign(out, {
    decode_only_cpu_ms: round1(m("decode_only")),
    materialise_cpu_ms: round1(materialise),
    materialise_sharp_cpu_ms: round1(Math.max(0, m("decode_full_sharp") - m("decode_only"))),
    sha256_cpu_ms: round1(m("sha256")),
    floor_ratio: Math.round(m("bare_decode_resize") / floor * 1000) / 1000,
    floor_ratio_with_materialise: Math.round(
      m("bare_decode_resize") / (floor + materialise) * 1000,
    ) / 1000,
  });
  return out;
}

/** Our pass over 4 rounds of every size (JIT, thread pools, every worker's buffers grown). */
async function warmUp(files: string[], thumbs: string): Promise<void> {
  const n = Math.min(files.length, REALISTIC_SIZES.length * CONCURRENCY);
  await throughput(files.slice(0, n), CONCURRENCY, (f) => ourPass(f, thumbs));
}

async function warm(files: string[]): Promise<void> {
  for (const f of files) await Deno.readFile(f);
}

const decodeBound: Benchmark = {
  name: "decode_bound",
  description:
    "all products from one decode vs a bare sharp decode+resize (same files, 4 in flight)",
  async run(ctx) {
    const files = await benchImages(count(ctx.quick), ctx.quick);
    await warm(files);
    const thumbs = join(ctx.tmpDir, "thumbs");
    await Deno.mkdir(thumbs);
    // Warm-up (JIT, thread pools, every worker's buffers grown to the largest size), then both
    // passes interleaved chunk by chunk.
    await warmUp(files, thumbs);
    const r = await interleaved(
      files,
      CONCURRENCY,
      (f) => bareDecodeResize(f, 224),
      (f) => ourPass(f, thumbs),
    );
    const decode = r.a;
    const ours = r.b;
    ctx.log(
      `decode ${decode.toFixed(2)}/s (${r.aCpu.toFixed(3)} cpu s/img), ours ${ours.toFixed(2)}/s (${
        r.bCpu.toFixed(3)
      } cpu s/img)`,
    );
    const cpuMs = await breakdown(
      files.slice(0, REALISTIC_SIZES.length),
      thumbs,
      ctx.quick ? 1 : 5,
    );
    ctx.log(`cpu ms/img, one at a time: ${JSON.stringify(cpuMs)}`);
    return {
      ours_per_second: ours,
      decode_per_second: decode,
      ratio: ours / decode,
      cpu_ratio: r.aCpu / r.bCpu,
      decode_cpu_seconds_per_image: r.aCpu,
      ours_cpu_seconds_per_image: r.bCpu,
      decode_faults_per_image: Math.round(r.aFaults),
      ours_faults_per_image: Math.round(r.bFaults),
      ...cpuMs,
    };
  },
};

const phash: Benchmark = {
  name: "phash",
  description: "all products from one decode vs npm sharp-phash hashing only (same files)",
  async run(ctx) {
    const files = await benchImages(count(ctx.quick), ctx.quick);
    await warm(files);
    const thumbs = join(ctx.tmpDir, "thumbs");
    await Deno.mkdir(thumbs);
    await warmUp(files, thumbs);
    const r = await interleaved(
      files,
      CONCURRENCY,
      (f) => referencePhash(f),
      (f) => ourPass(f, thumbs),
    );
    const ref = r.a;
    const ours = r.b;
    ctx.log(
      `sharp-phash ${ref.toFixed(2)}/s (${r.aCpu.toFixed(3)} cpu s/img), ours ${
        ours.toFixed(2)
      }/s (${r.bCpu.toFixed(3)} cpu s/img)`,
    );
    return {
      ours_per_second: ours,
      sharp_phash_per_second: ref,
      ratio: ours / ref,
      cpu_ratio: r.aCpu / r.bCpu,
      sharp_phash_cpu_seconds_per_image: r.aCpu,
      ours_cpu_seconds_per_image: r.bCpu,
    };
  },
};

const embedPipeline: Benchmark = {
  name: "embed_pipeline",
  description: "decode + ViT-B/32-cost encoder pipelined vs each stage alone",
  async run(ctx) {
    const files = await benchImages(count(ctx.quick), ctx.quick);
    await warm(files);
    const { bytes, config } = makeTestEncoder({ kind: "vit_b32", seed: 5 });
    const model = join(ctx.tmpDir, "vit_b32_like.onnx");
    await Deno.writeFile(model, bytes);
    const embedder = await OnnxEmbedder.load(model, config);
    try {
      const squares: RawImage[] = [];
      // One reused read/pixel buffer per worker, as embedFiles runs it.
      const pool: ReadBuffer[] = [];
      const decodeAlone = await throughput(files, CONCURRENCY, async (f) => {
        const reader = pool.pop() ?? new ReadBuffer();
        try {
          const d = await decodeOnce(f, { clipSize: 224, reader });
          computeBuiltinFeatures(d);
          if (d.clip) squares.push(d.clip);
        } finally {
          pool.push(reader);
        }
      });
      ctx.log(`decode alone ${decodeAlone.toFixed(2)}/s`);
      const batch = 16;
      const t0 = performance.now();
      for (let i = 0; i < squares.length; i += batch) {
        await embedder.embed(squares.slice(i, i + batch));
      }
      const ortAlone = squares.length / ((performance.now() - t0) / 1000);
      ctx.log(`encoder alone ${ortAlone.toFixed(2)}/s`);
      const r = await embedFiles(files, {
        cacheDb: join(ctx.tmpDir, "cache.sqlite"),
        embedder,
        batchSize: batch,
        concurrency: CONCURRENCY,
      });
      const pipeline = r.stats.embedded / r.stats.seconds;
      ctx.log(
        `pipeline ${
          pipeline.toFixed(2)
        }/s (${r.stats.embedded} embedded, ${r.failed.length} failed)`,
      );
      const limit = 1 / (1 / decodeAlone + 1 / ortAlone);
      return {
        pipeline_per_second: pipeline,
        decode_alone_per_second: decodeAlone,
        ort_alone_per_second: ortAlone,
        ratio: pipeline / limit,
      };
    } finally {
      await embedder.dispose();
    }
  },
};

const cacheLoad: Benchmark = {
  name: "cache_load_100k",
  description: "read 100k cached 512-d embeddings into one Float32Array",
  run(ctx) {
    const n = ctx.quick ? 5_000 : 100_000;
    const dim = 512;
    const db = join(ctx.tmpDir, "cache.sqlite");
    const ids = { featuresId: "bench", encoderId: "bench-encoder" };
    {
      using cache = FeatureCache.open(db);
      const v = new Float32Array(dim);
      const builtin = new Float32Array(25);
      const chunk = 16; // what embedFiles writes per encoder batch
      for (let start = 0; start < n; start += chunk) {
        const items = [];
        for (let i = start; i < Math.min(n, start + chunk); i++) {
          for (let k = 0; k < dim; k++) v[k] = Math.sin(i * 0.001 + k);
          items.push({
            sha256: i.toString(16).padStart(64, "0"),
            width: 1024,
            height: 1024,
            phash: [i, i] as [number, number],
            builtin,
            embedding: v.slice(),
          });
        }
        cache.putMany(items, ids);
      }
    }
    ctx.log(`wrote ${n} vectors`);
    // The floor on this machine: allocating and touching one Float32Array of that size.
    const f0 = process.cpuUsage();
    const tf = performance.now();
    new Float32Array(n * dim).fill(1);
    const floorSeconds = (performance.now() - tf) / 1000;
    const floorCpu = process.cpuUsage(f0);
    using cache = FeatureCache.open(db, { readOnly: true });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { sha256, matrix } = cache.loadEmbeddings(ids.encoderId);
    const seconds = (performance.now() - t0) / 1000;
    if (sha256.length !== n || matrix.length !== n * dim) {
      throw new RangeError(`Cannot bench cache: loaded ${sha256.length} of ${n} vectors`);
    }
    const cpu = process.cpuUsage(cpu0);
    return Promise.resolve({
      seconds,
      cpu_seconds: (cpu.user + cpu.system) / 1e6,
      alloc_floor_seconds: floorSeconds,
      alloc_floor_cpu_seconds: (floorCpu.user + floorCpu.system) / 1e6,
      vectors: n,
    });
  },
};

/** Benchmarks of lib/embed. */
export const benchmarks: Benchmark[] = [decodeBound, phash, embedPipeline, cacheLoad];
