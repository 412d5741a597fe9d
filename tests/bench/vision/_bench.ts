/**
 * `vision` benchmark: seconds per 1024² image through every vision model (decode included),
 * wall time inside each model group, then the same images again through the disk cache.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { encodeRaw, readRaw } from "../../../lib/image/mod.ts";
import { analyzeCached, VisionModel } from "../../../lib/vision/mod.ts";

const PHOTOS = ["astronaut", "grace_hopper", "chelsea", "coffee"];
const SIDE = 1024;

/** Benchmarks of lib/vision. */
export const benchmarks: Benchmark[] = [{
  name: "vision",
  description: `faces + mesh + pose + hands + persons + 720-d embedding on ${SIDE}² JPEGs`,
  async run(ctx) {
    const files: string[] = [];
    const rounds = ctx.quick ? 1 : 3;
    for (let r = 0; r < rounds; r++) {
      for (const name of PHOTOS) {
        const src = new URL(`../../../lib/vision/testdata/${name}.jpg`, import.meta.url).pathname;
        const raw = await readRaw(src, {
          channels: 3,
          resize: { width: SIDE, height: SIDE, fit: "fill" },
        });
        // Each round differs (mirror, lowest bits) so the first pass never hits the cache.
        if (r % 2 === 1) mirror(raw.data, raw.width, raw.height);
        if (r > 0) { for (let i = 0; i < raw.data.length; i++) raw.data[i]! ^= r; }
        const file = join(ctx.tmpDir, `${name}_${r}.jpg`);
        await Deno.writeFile(file, await encodeRaw(raw, { format: "jpeg", quality: 90 }));
        files.push(file);
      }
    }
    const t0 = performance.now();
    const model = await VisionModel.load();
    const loadS = (performance.now() - t0) / 1000;
    // The first call compiles the wasm kernels; it is reported apart.
    const t1 = performance.now();
    await model.analyze(await readRaw(files[0]!, { channels: 3 }), { embedding: true });
    const firstS = (performance.now() - t1) / 1000;
    const cacheDir = join(ctx.tmpDir, "cache");
    // Wall time suffers when other processes share the cores; CPU time of this process
    // (the wasm backend runs single-threaded) is reported beside it.
    const pass = async (): Promise<[number, number]> => {
      const t = performance.now();
      const c = process.cpuUsage();
      for (const f of files) {
        await analyzeCached(model, await readRaw(f, { channels: 3 }), {
          cacheDir,
          embedding: true,
        });
      }
      const cpu = process.cpuUsage(c);
      const n = files.length;
      return [(performance.now() - t) / 1000 / n, (cpu.user + cpu.system) / 1e6 / n];
    };
    const calls0 = model.modelCalls;
    const ms0 = { ...model.modelMs };
    const [cold, coldCpu] = await pass();
    const perImage = (k: keyof typeof ms0): number =>
      round((model.modelMs[k] - ms0[k]) / 1000 / files.length);
    const calls1 = model.modelCalls;
    const [warm, warmCpu] = await pass();
    ctx.log(
      `${files.length} images: ${cold.toFixed(3)} s/image, cached ${warm.toFixed(4)} s/image`,
    );
    return {
      images: files.length,
      side: SIDE,
      load_seconds: round(loadS),
      first_image_seconds: round(firstS),
      seconds_per_image: round(cold),
      cpu_seconds_per_image: round(coldCpu),
      // Wall seconds per image inside each model group; they overlap (see docs/design_notes.md, lib/vision).
      human_seconds_per_image: perImage("human"),
      centernet_seconds_per_image: perImage("centernet"),
      handtrack_seconds_per_image: perImage("handtrack"),
      cached_seconds_per_image: round(warm),
      cached_cpu_seconds_per_image: round(warmCpu),
      model_calls_first_pass: calls1 - calls0,
      model_calls_cached_pass: model.modelCalls - calls1,
    };
  },
}];

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function mirror(data: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) {
      for (let c = 0; c < 3; c++) {
        const a = (y * width + x) * 3 + c;
        const b = (y * width + (width - 1 - x)) * 3 + c;
        const t = data[a]!;
        data[a] = data[b]!;
        data[b] = t;
      }
    }
  }
}
