/**
 * `train` benchmark: the ranker (30k pairs of 512-d vectors, 20 epochs,
 * 512→256→64→1, pairwise hinge) and the crop head (7k examples, 50 epochs,
 * 514→512→256→128→5, IoU loss) trained through ORT, with achieved GFLOP/s
 * next to ORT's own MatMul GFLOP/s measured in the same run.
 *
 * @module
 */
import type { Benchmark } from "../bench/mod.ts";
import { GraphBuilder } from "./_graph.ts";
import { OrtSession } from "./_ort.ts";
import { Mlp } from "./mlp.ts";
import { gaussian, mulberry32 } from "./rng.ts";
import { boxLoss } from "../crop/mod.ts";
import type { Box } from "../types.ts";

/** FLOPs of one training step on `n` rows (forward + backward, no dX for layer 0). */
export function trainFlops(layers: readonly number[], n: number): number {
  let f = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    const mm = 2 * n * layers[l]! * layers[l + 1]!;
    f += mm * (l === 0 ? 2 : 3);
  }
  return f;
}

/** ORT MatMul GFLOP/s on a `[rows, 512] × [512, 256]` product. */
export async function ortMatmulGflops(rows: number, reps: number): Promise<number> {
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
  const t = performance.now();
  for (let i = 0; i < reps; i++) await s.run({ A, B });
  const sec = (performance.now() - t) / 1000;
  await s.dispose();
  return (2 * rows * 512 * 256 * reps) / sec / 1e9;
}

async function rankerRun(pairs: number, epochs: number, batchPairs: number): Promise<number> {
  const rand = mulberry32(3);
  const d = 512;
  const x = new Float32Array(pairs * 2 * d).map(() => gaussian(rand));
  const mlp = await Mlp.create([d, 256, 64, 1], { seed: 1 });
  const opt = mlp.optimiser({ lr: 1e-3 });
  let flops = 0;
  for (let e = 0; e < epochs; e++) {
    for (let p = 0; p < pairs; p += batchPairs) {
      const nPairs = Math.min(batchPairs, pairs - p);
      const rows = nPairs * 2;
      const xb = x.subarray(p * 2 * d, (p * 2 + rows) * d);
      await mlp.step(opt, xb, rows, (y) => {
        const dY = new Float32Array(rows);
        let l = 0;
        for (let i = 0; i < nPairs; i++) {
          const h = 0.5 - (y[2 * i]! - y[2 * i + 1]!);
          if (h > 0) {
            l += h / nPairs;
            dY[2 * i] = -1 / nPairs;
            dY[2 * i + 1] = 1 / nPairs;
          }
        }
        return { loss: l, dY };
      });
      flops += trainFlops(mlp.layers, rows);
    }
  }
  await mlp.dispose();
  return flops;
}

async function cropRun(n: number, epochs: number, batch: number): Promise<number> {
  const rand = mulberry32(4);
  const d = 514;
  const x = new Float32Array(n * d).map(() => gaussian(rand));
  const boxes: Box[] = Array.from({ length: n }, () => {
    const s = 0.5 + rand() * 0.4, px = rand() * (1 - s);
    return [px, 0, px + s, s];
  });
  const mlp = await Mlp.create([d, 512, 256, 128, 5], { seed: 2 });
  const opt = mlp.optimiser({ lr: 1e-3 });
  let flops = 0;
  for (let e = 0; e < epochs; e++) {
    for (let s = 0; s < n; s += batch) {
      const rows = Math.min(batch, n - s);
      await mlp.step(opt, x.subarray(s * d, (s + rows) * d), rows, (y) => {
        const dY = new Float32Array(rows * 5);
        let l = 0;
        for (let i = 0; i < rows; i++) {
          const b = boxLoss(y[i * 5 + 1]!, y[i * 5 + 2]!, y[i * 5 + 3]!, boxes[s + i]!, 0.05);
          l += b.loss / rows;
          for (let k = 0; k < 3; k++) dY[i * 5 + 1 + k] = b.grad[k]! / rows;
        }
        return { loss: l, dY };
      });
      flops += trainFlops(mlp.layers, rows);
    }
  }
  await mlp.dispose();
  return flops;
}

/** Benchmarks of lib/nn. */
export const benchmarks: Benchmark[] = [{
  name: "train",
  description: "ranker 30k pairs × 20 epochs + crop head 7k × 50 epochs on ORT (target ≤ 60 s)",
  async run(ctx) {
    const scale = ctx.quick ? 0.05 : 1;
    // MatMul is measured before and after training and averaged: the machine is shared.
    const before = await ortMatmulGflops(2048, ctx.quick ? 5 : 30);
    const t0 = performance.now();
    const f1 = await rankerRun(Math.round(30_000 * scale), 20, 1024);
    const t1 = performance.now();
    ctx.log(`ranker ${((t1 - t0) / 1000).toFixed(1)} s`);
    const f2 = await cropRun(Math.round(7_000 * scale), 50, 512);
    const t2 = performance.now();
    ctx.log(`crop ${((t2 - t1) / 1000).toFixed(1)} s`);
    const after = await ortMatmulGflops(2048, ctx.quick ? 5 : 30);
    const matmul = (before + after) / 2;
    ctx.log(`ORT MatMul ${before.toFixed(1)} / ${after.toFixed(1)} GFLOP/s (before / after)`);
    const seconds = (t2 - t0) / 1000;
    const gflops = (f1 + f2) / seconds / 1e9;
    return {
      seconds,
      ranker_seconds: (t1 - t0) / 1000,
      crop_seconds: (t2 - t1) / 1000,
      gflops,
      ort_matmul_gflops: matmul,
      ratio: gflops / matmul,
    };
  },
}];
