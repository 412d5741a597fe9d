/**
 * `train` benchmark: the ranker (30k pairs of 512-d vectors, 20 epochs,
 * 512→256→64→1, pairwise hinge) and the crop head (7k examples, 50 epochs,
 * 514→512→256→128→5, IoU loss) trained through the trainers' shared epoch
 * loop ({@linkcode fitEpochs}: seeded shuffle, batch assembly, AdamW,
 * validation every 5 epochs on a held-out tenth), with achieved GFLOP/s next
 * to ORT's own MatMul GFLOP/s measured in the same run — per wall second and
 * per CPU second (the machine is shared: CPU seconds are what the work cost).
 *
 * @module
 */
import type { BenchFigures, Benchmark } from "../../../lib/bench/mod.ts";
import {
  fitEpochs,
  type FitLoss,
  GraphBuilder,
  Mlp,
  OrtSession,
  PhaseTimer,
  processCpuSeconds,
} from "../../../lib/nn/mod.ts";
import { gaussian, mulberry32 } from "../../../lib/random/mod.ts";
import { boxLoss, decodeBox } from "../../../lib/crop/mod.ts";
import { iou } from "../../../lib/math/mod.ts";
import type { Box } from "../../../lib/types.ts";

/** FLOPs of one training step on `n` rows (forward + backward, no dX for layer 0). */
export function trainFlops(layers: readonly number[], n: number): number {
  let f = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const mm = 2 * n * layers[l]! * layers[l + 1]!;
    f += mm * (l === 0 ? 2 : 3);
  }
  return f;
}

/** FLOPs of a backward pass on `n` rows (weight gradients, dX from layer 1 on). */
export function backwardFlops(layers: readonly number[], n: number): number {
  return trainFlops(layers, n) - forwardFlops(layers, n);
}

/** FLOPs of a forward pass on `n` rows. */
export function forwardFlops(layers: readonly number[], n: number): number {
  let f = 0;
  for (let l = 0; l + 1 < layers.length; l++) f += 2 * n * layers[l]! * layers[l + 1]!;
  return f;
}

/** ORT MatMul throughput on a `[rows, 512] × [512, 256]` product. */
export async function ortMatmulGflops(
  rows: number,
  reps: number,
): Promise<{ wall: number; cpu: number }> {
  const g = new GraphBuilder("matmul");
  g.input("A", [null, 512]);
  g.input("B", [512, 256]);
  g.node("MatMul", ["A", "B"], ["C"]);
  g.output("C", [null, 256]);
  const s = await OrtSession.create(g.toBytes());
  const rand = mulberry32(1);
  const A = { data: new Float32Array(rows * 512).map(() => rand()), dims: [rows, 512] };
  const B = { data: new Float32Array(512 * 256).map(() => rand()), dims: [512, 256] };
  await s.run({ A, B });
  const t = performance.now(), c = processCpuSeconds();
  for (let i = 0; i < reps; i++) await s.run({ A, B });
  const sec = (performance.now() - t) / 1000, cpu = processCpuSeconds() - c;
  await s.dispose();
  const flops = 2 * rows * 512 * 256 * reps;
  return { wall: flops / sec / 1e9, cpu: flops / cpu / 1e9 };
}

interface RunResult {
  /** FLOPs of the graph runs actually made (forward, backward, validation). */
  flops: number;
  /** FLOPs had every training row gone through backward. */
  denseFlops: number;
  metric: number;
}

/** FLOPs an MLP's graph runs did, from its row counters. */
function doneFlops(mlp: Mlp, validationRows: number): { flops: number; dense: number } {
  const trainRows = mlp.rows.forward - validationRows;
  const f = forwardFlops(mlp.layers, mlp.rows.forward);
  return {
    flops: f + backwardFlops(mlp.layers, mlp.rows.backward),
    dense: f + backwardFlops(mlp.layers, trainRows),
  };
}

interface RankerData {
  x: Float32Array;
  xv: Float32Array;
  pairs: number;
  valPairs: number;
}

/** Pairs of 512-d rows; row 0 of each pair is the pick (weak signal in column 0). */
function rankerData(pairs: number): RankerData {
  const rand = mulberry32(3);
  const d = 512, valPairs = Math.round(pairs / 10);
  const x = new Float32Array(pairs * 2 * d).map(() => gaussian(rand));
  const xv = new Float32Array(valPairs * 2 * d).map(() => gaussian(rand));
  for (let p = 0; p < pairs; p++) x[p * 2 * d] = x[p * 2 * d]! + 1;
  for (let p = 0; p < valPairs; p++) xv[p * 2 * d] = xv[p * 2 * d]! + 1;
  return { x, xv, pairs, valPairs };
}

async function rankerRun(data: RankerData, epochs: number, timer: PhaseTimer): Promise<RunResult> {
  const { x, xv, pairs, valPairs } = data, d = 512;
  const mlp = await Mlp.create([d, 256, 64, 1], { seed: 1, timer });
  const offsets = Array.from({ length: pairs + 1 }, (_, i) => 2 * i);
  const loss: FitLoss = (y, dY, batch) => {
    const n = batch.items.length;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const h = 0.5 - (y[2 * i]! - y[2 * i + 1]!);
      if (h > 0) {
        l += h / n;
        dY[2 * i] = -1 / n;
        dY[2 * i + 1] = 1 / n;
      }
    }
    return { loss: l, weight: n };
  };
  const fit = await fitEpochs(mlp, { x, offsets, loss }, {
    seed: 5,
    epochs,
    batchItems: 1024,
    optimiser: { lr: 1e-3 },
    validateEvery: 5,
    validate: async () => {
      const y = await mlp.predict(xv, 2 * valPairs);
      let ok = 0;
      for (let p = 0; p < valPairs; p++) if (y[2 * p]! > y[2 * p + 1]!) ok++;
      return { score: ok / valPairs, metrics: { val_acc: ok / valPairs } };
    },
  });
  await mlp.dispose();
  const f = doneFlops(mlp, fit.history.length * 2 * valPairs);
  return { flops: f.flops, denseFlops: f.dense, metric: fit.bestScore };
}

interface CropData {
  x: Float32Array;
  xv: Float32Array;
  tr: Box[];
  va: Box[];
}

/** 514-d rows with top-anchored square boxes whose size is readable from column 0. */
function cropData(n: number): CropData {
  const rand = mulberry32(4);
  const d = 514, nVal = Math.round(n / 10);
  const fill = (x: Float32Array, i: number): Box => {
    const s = 0.5 + rand() * 0.4, px = rand() * (1 - s);
    for (let k = 0; k < d; k++) x[i * d + k] = gaussian(rand);
    x[i * d] = s * 4 - 2.8;
    return [px, 0, px + s, s];
  };
  const x = new Float32Array(n * d), xv = new Float32Array(nVal * d);
  const tr = Array.from({ length: n }, (_, i) => fill(x, i));
  const va = Array.from({ length: nVal }, (_, i) => fill(xv, i));
  return { x, xv, tr, va };
}

async function cropRun(data: CropData, epochs: number, timer: PhaseTimer): Promise<RunResult> {
  const { x, xv, tr, va } = data, d = 514, nVal = va.length;
  const mlp = await Mlp.create([d, 512, 256, 128, 5], { seed: 2, timer });
  const loss: FitLoss = (y, dY, batch) => {
    const rows = batch.rows;
    let l = 0;
    for (let i = 0; i < rows; i++) {
      const target = tr[batch.items[i]!]!;
      const b = boxLoss(y[i * 5 + 1]!, y[i * 5 + 2]!, y[i * 5 + 3]!, target, 0.05);
      l += b.loss / rows;
      for (let k = 0; k < 3; k++) dY[i * 5 + 1 + k] = b.grad[k]! / rows;
    }
    return { loss: l, weight: rows };
  };
  const fit = await fitEpochs(mlp, { x, loss }, {
    seed: 6,
    epochs,
    batchItems: 512,
    optimiser: { lr: 1e-3 },
    validateEvery: 5,
    validate: async () => {
      const y = await mlp.predict(xv, nVal);
      let s = 0;
      for (let i = 0; i < nVal; i++) {
        s += iou(decodeBox(y[i * 5 + 1]!, y[i * 5 + 2]!, y[i * 5 + 3]!), va[i]!);
      }
      return { score: s / nVal, metrics: { val_iou: s / nVal } };
    },
  });
  await mlp.dispose();
  const f = doneFlops(mlp, fit.history.length * nVal);
  return { flops: f.flops, denseFlops: f.dense, metric: fit.bestScore };
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Benchmarks of lib/nn. */
export const benchmarks: Benchmark[] = [{
  name: "train",
  description: "ranker 30k pairs × 20 epochs + crop head 7k × 50 epochs on ORT (target ≤ 60 s)",
  async run(ctx) {
    const scale = ctx.quick ? 0.05 : 1;
    const reps = ctx.quick ? 5 : 30;
    const load = Deno.loadavg()[0]!;
    // Data is made before the clock starts: generating it is not training.
    const rData = rankerData(Math.round(30_000 * scale));
    const cData = cropData(Math.round(7_000 * scale));
    // MatMul is measured before and after training and averaged: the machine is shared.
    const before = await ortMatmulGflops(2048, reps);
    const timer = new PhaseTimer();
    const t0 = performance.now(), c0 = processCpuSeconds();
    const r = await rankerRun(rData, 20, timer);
    const t1 = performance.now(), c1 = processCpuSeconds();
    ctx.log(`ranker ${((t1 - t0) / 1000).toFixed(1)} s, ${(c1 - c0).toFixed(1)} CPU s`);
    const c = await cropRun(cData, 50, timer);
    const t2 = performance.now(), c2 = processCpuSeconds();
    ctx.log(`crop ${((t2 - t1) / 1000).toFixed(1)} s, ${(c2 - c1).toFixed(1)} CPU s`);
    const after = await ortMatmulGflops(2048, reps);
    const matmul = (before.wall + after.wall) / 2;
    const matmulCpu = (before.cpu + after.cpu) / 2;
    ctx.log(
      `ORT MatMul ${before.wall.toFixed(1)} / ${after.wall.toFixed(1)} GFLOP/s wall, ` +
        `${before.cpu.toFixed(1)} / ${after.cpu.toFixed(1)} per CPU s (before / after)`,
    );
    const seconds = (t2 - t0) / 1000, cpuSeconds = c2 - c0;
    const flops = r.flops + c.flops;
    const gflops = flops / seconds / 1e9, gflopsCpu = flops / cpuSeconds / 1e9;
    const phases: BenchFigures = {};
    for (const [name, p] of Object.entries(timer.totals())) {
      phases[`${name}_cpu_s`] = round(p.cpu_s);
      phases[`${name}_wall_s`] = round(p.wall_s);
    }
    return {
      seconds: round(seconds),
      ranker_seconds: round((t1 - t0) / 1000),
      crop_seconds: round((t2 - t1) / 1000),
      gflops: round(gflops),
      ort_matmul_gflops: round(matmul),
      ratio: round(gflops / matmul, 3),
      cpu_seconds: round(cpuSeconds),
      gflops_per_cpu_s: round(gflopsCpu),
      ort_matmul_gflops_per_cpu_s: round(matmulCpu),
      cpu_ratio: round(gflopsCpu / matmulCpu, 3),
      tflop: round(flops / 1e12, 3),
      // Backward skips rows whose loss gradient is zero (satisfied hinge pairs).
      tflop_if_dense: round((r.denseFlops + c.denseFlops) / 1e12, 3),
      load_avg_1m: round(load),
      ranker_val_acc: round(r.metric, 3),
      crop_val_iou: round(c.metric, 3),
      ...phases,
    };
  },
}];
