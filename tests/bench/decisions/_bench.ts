/**
 * Benchmark `decide_1000`: decide 1,000 three-stage groups (3,000 small PNGs)
 * whose features are already in the cache, with a real ranker and crop
 * proposer trained (untimed, in setup) on those cached features through
 * lib/eval's `trainModels` — so the timed `decideFolder` runs model inference
 * (lib/rank and lib/crop read the weights from `ranker.onnx` / `crop.onnx` and
 * run the forward pass in TypeScript, as the user's decide does), grouping,
 * reasons, schema validation and the atomic write. The features are the
 * default set (builtin + the layout and signature pixel blocks, all cached by
 * `embedFiles` as `deno task embed` leaves them). Setup (encoding the images,
 * filling the cache, training) is not timed. `seconds` is a run in a process
 * that has loaded its libraries (as the demo and experiment call it);
 * `seconds_first_call` also pays for loading the models and native
 * libraries; `seconds_builtin_only` uses models that read only the builtin block.
 *
 * @module
 */
import { basename, join } from "node:path";
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { encodeRaw } from "../../../lib/image/mod.ts";
import { embedFiles } from "../../../lib/embed/mod.ts";
import type { ImageFeatures } from "../../../lib/types.ts";
import { parseStage } from "../../../lib/paths/mod.ts";
import { type Dataset, trainModels } from "../../../lib/pipeline/mod.ts";
import { LAYOUT_BLOCK } from "../../../lib/crop/mod.ts";
import { pixelBlocksFor } from "../../../lib/blocks/mod.ts";
import { decideFolder } from "../../../lib/decide/mod.ts";
import { readAutomationDecisions } from "../../../lib/decisions/mod.ts";

const STAGES = ["stage1_generated", "stage1.5_face_swapped", "stage2_upscaled"];

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/**
 * Labels for the bench's own groups, as a creator would leave them: mostly
 * the highest stage, sometimes the middle one; a top-anchored crop on 60 %.
 */
function benchDataset(
  groups: string[][],
  byPath: Map<string, ImageFeatures>,
  rnd: () => number,
): Dataset {
  const ds: Dataset = { groups: [], crops: [], skipped: {} };
  groups.forEach((paths, g) => {
    const members = paths.map((path) => {
      const f = byPath.get(path)!;
      return {
        path,
        project: "bench",
        stage: parseStage(basename(path)),
        width: f.width,
        height: f.height,
        features: f,
      };
    });
    const chosen = rnd() < 0.15 ? 1 : members.length - 1;
    ds.groups.push({ id: `g${g}`, project: "bench", members, chosen });
    const cropped = rnd() < 0.6;
    const side = 0.7 + 0.2 * rnd(), x = (1 - side) * rnd();
    ds.crops.push({
      key: `g${g}`,
      example: {
        member: members[chosen]!,
        box: cropped ? [x, 0, x + side, side] : [0, 0, 1, 1],
        no_crop: !cropped,
      },
    });
  });
  return ds;
}

/** Time one decide run of `input` with `models`; returns wall and CPU seconds. */
async function timedDecide(
  input: string,
  sandbox: string,
  cacheDb: string,
  models: string,
  out: string,
): Promise<{ seconds: number; cpu: number; decided: number; groups: number; images: number }> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const s = await decideFolder(input, { sandboxRoot: sandbox, cacheDb, models, out });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    seconds,
    cpu: (cpu.user + cpu.system) / 1e6,
    decided: s.decided,
    groups: s.groups,
    images: s.images,
  };
}

/** The decide benchmarks. */
export const benchmarks: Benchmark[] = [{
  name: "decide_1000",
  description: "decide 1,000 groups (3,000 images) with cached features; trained ranker + crop",
  async run(ctx) {
    const groups = ctx.quick ? 100 : 1000;
    const sandbox = join(ctx.tmpDir, "sandbox");
    const input = join(sandbox, "incoming");
    await Deno.mkdir(input, { recursive: true });
    let s = 99;
    const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const paths: string[] = [];
    const truth: string[][] = [];
    let t = Date.UTC(2025, 5, 1);
    for (let g = 0; g < groups; g++) {
      const side = 24;
      const base = new Uint8Array(side * side * 3).map(() => Math.floor(rnd() * 256));
      t += (25 + Math.floor(rnd() * 200)) * 1000;
      truth.push([]);
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
        truth[g]!.push(path);
      }
    }
    const cacheDb = join(ctx.tmpDir, "features.sqlite");
    const models = join(ctx.tmpDir, "models");
    const modelsBuiltin = join(ctx.tmpDir, "models_layout");
    ctx.log(`setup: ${paths.length} images written; filling the feature cache`);
    // The default feature set (builtin + the layout and signature pixel blocks), cached as
    // `embed` leaves it: decide then reads everything from the cache.
    const features = ["builtin", LAYOUT_BLOCK, "signature"];
    const embedded = await embedFiles(paths, { cacheDb, blocks: pixelBlocksFor(features) });
    const ds = benchDataset(truth, embedded.byPath, rnd);
    // Small but real models: the figure is inference cost, not accuracy.
    const small = { ranker: { epochs: 8, hidden: [64, 16] }, crop: { epochs: 8, hidden: [64] } };
    const trained = await trainModels(ds, { out: models, seed: 1, features, ...small });
    const trainedBuiltin = await trainModels(ds, {
      out: modelsBuiltin,
      seed: 1,
      features: ["builtin"],
      ...small,
    });
    if (trained.ranker === null || trained.crop === null || trainedBuiltin.ranker === null) {
      throw new Error("Cannot benchmark decide_1000: training produced no ranker or crop model");
    }
    ctx.log(`setup: trained ${trained.ranker.identity} and ${trained.crop.identity}`);
    // First call in this process: also loads the models and native libraries.
    const first = await timedDecide(input, sandbox, cacheDb, models, join(sandbox, "first.jsonl"));
    // The figure: a decide run with features cached and libraries loaded (as in the demo).
    const run = await timedDecide(
      input,
      sandbox,
      cacheDb,
      models,
      join(sandbox, "decisions.jsonl"),
    );
    const written = await readAutomationDecisions(join(sandbox, "decisions.jsonl"));
    const layout = await timedDecide(
      input,
      sandbox,
      cacheDb,
      modelsBuiltin,
      join(sandbox, "l.jsonl"),
    );
    ctx.log(
      `decided ${run.decided} of ${run.groups} groups in ${run.seconds.toFixed(3)} s ` +
        `(first call in the process: ${first.seconds.toFixed(3)} s; ` +
        `builtin-only models: ${layout.seconds.toFixed(3)} s)`,
    );
    if (
      written.length !== groups || written.some((d) => d.models.ranker !== trained.ranker!.identity)
    ) {
      throw new Error(
        `Cannot trust decide_1000: wrote ${written.length} of ${groups} groups, or not with the trained ranker`,
      );
    }
    const r4 = (v: number): number => Number(v.toFixed(4));
    return {
      seconds: r4(run.seconds),
      // Process CPU (all threads) during the timed run: what the wall time would be on an idle core.
      cpu_seconds: r4(run.cpu),
      seconds_first_call: r4(first.seconds),
      seconds_builtin_only: r4(layout.seconds),
      cpu_seconds_builtin_only: r4(layout.cpu),
      groups: run.groups,
      images: run.images,
      models:
        `trained on the bench's cached features (${
          features.join(", ")
        }): ranker ${trained.ranker.identity}, ` +
        `crop ${trained.crop.identity}; builtin-only ranker ${trainedBuiltin.ranker.identity}`,
    };
  },
}];
