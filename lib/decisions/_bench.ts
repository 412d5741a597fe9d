/**
 * Benchmark `decide_1000`: decide 1,000 three-stage groups (3,000 small PNGs)
 * whose features are already in the cache, with the model folder's ranker
 * and crop proposer (fallbacks when it holds none). Setup (encoding the
 * images, filling the cache) is not timed. `seconds` is a run in a process
 * that has loaded its libraries (as the demo and experiment call it);
 * `seconds_first_call` also pays for loading the models and native libraries.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import type { Benchmark } from "../bench/mod.ts";
import { encodeRaw } from "../image/mod.ts";
import { embedFiles } from "../embed/mod.ts";
import { decideFolder } from "./decide_folder.ts";
import { readAutomationDecisions } from "./automation_decisions.ts";

const STAGES = ["stage1_generated", "stage1.5_face_swapped", "stage2_upscaled"];

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The decide benchmarks. */
export const benchmarks: Benchmark[] = [{
  name: "decide_1000",
  description: "decide 1,000 groups (3,000 images) with cached features; fallback models",
  async run(ctx) {
    const groups = ctx.quick ? 100 : 1000;
    const sandbox = join(ctx.tmpDir, "sandbox");
    const input = join(sandbox, "incoming");
    await Deno.mkdir(input, { recursive: true });
    let s = 99;
    const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const paths: string[] = [];
    let t = Date.UTC(2025, 5, 1);
    for (let g = 0; g < groups; g++) {
      const side = 24;
      const base = new Uint8Array(side * side * 3).map(() => Math.floor(rnd() * 256));
      t += (25 + Math.floor(rnd() * 200)) * 1000;
      for (let k = 0; k < 3; k++) {
        if (k > 0) t += (20 + Math.floor(rnd() * 200)) * 1000;
        const data = base.map((v) => Math.min(255, v + k * 3));
        const path = join(input, `${stamp(t)}_${STAGES[k]}.png`);
        await Deno.writeFile(
          path,
          await encodeRaw({ data, width: side, height: side, channels: 3 }, {
            compressionLevel: 1,
          }),
        );
        paths.push(path);
      }
    }
    const cacheDb = join(ctx.tmpDir, "features.sqlite");
    const models = join(ctx.tmpDir, "models");
    ctx.log(`setup: ${paths.length} images written; filling the feature cache`);
    await embedFiles(paths, { cacheDb });
    // First call in this process: also loads the models and native libraries.
    let t0 = performance.now();
    await decideFolder(input, {
      sandboxRoot: sandbox,
      cacheDb,
      models,
      out: join(sandbox, "first_call.jsonl"),
    });
    const firstCall = (performance.now() - t0) / 1000;
    // The figure: a decide run with features cached and libraries loaded (as in the demo).
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const summary = await decideFolder(input, { sandboxRoot: sandbox, cacheDb, models });
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const written = await readAutomationDecisions(join(sandbox, "automation_decisions.jsonl"));
    ctx.log(
      `decided ${summary.decided} of ${summary.groups} groups in ${seconds.toFixed(3)} s ` +
        `(first call in the process: ${firstCall.toFixed(3)} s)`,
    );
    if (written.length !== groups) {
      throw new Error(`Cannot trust decide_1000: wrote ${written.length} of ${groups} groups`);
    }
    return {
      seconds: Number(seconds.toFixed(4)),
      // Process CPU (all threads) during the timed run: what the wall time would be on an idle core.
      cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(4)),
      seconds_first_call: Number(firstCall.toFixed(4)),
      groups: summary.groups,
      images: summary.images,
      models: "fallback (highest stage, median crop)",
    };
  },
}];
