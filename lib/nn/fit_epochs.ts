/**
 * The epoch loop every trainer shares: seeded shuffle of items (an item is
 * a run of rows: a group of images, a pair, one example), batch assembly
 * into reused buffers, one forward/backward/AdamW step per batch, validation
 * every k epochs, best-epoch snapshot and early stopping.
 *
 * @module
 */
import type { Mlp } from "./mlp.ts";
import type { AdamOptions } from "./adam.ts";
import { mulberry32, shuffle } from "../random/mod.ts";

/** The items of one batch, as the loss sees them. */
export interface FitBatch {
  /** Item indices, in batch order. */
  items: readonly number[];
  /** Row offsets of each item inside the batch (`items.length + 1` entries). */
  offsets: readonly number[];
  /** Rows in the batch. */
  rows: number;
}

/** A batch loss: writes dL/dY into `dY` (zeroed, `[rows, out]`) and returns the loss. */
export type FitLoss = (
  y: Float32Array,
  dY: Float32Array,
  batch: FitBatch,
) => { loss: number; weight: number };

/** A validation pass: `score` is maximised; `metrics` go into the history. */
export type FitValidate<M extends Record<string, number>> = () => Promise<
  { score: number; metrics: M }
>;

/** The training data: a standardised row matrix split into items. */
export interface FitData {
  /** Rows `[n, in]`. */
  x: Float32Array;
  /** Item `i` owns rows `offsets[i]..offsets[i+1]`; absent: one row per item. */
  offsets?: readonly number[];
  /** Loss on a batch's outputs; `weight` averages the epoch loss across batches. */
  loss: FitLoss;
}

/** Options for {@linkcode fitEpochs}. */
export interface FitOptions<M extends Record<string, number>> {
  /** Shuffle seed. */
  seed?: number;
  epochs?: number;
  /** Items per optimiser step. */
  batchItems?: number;
  /** AdamW settings (biases are not decayed). */
  optimiser?: AdamOptions;
  /** Validation pass; null: no validation, the last epoch is kept. */
  validate?: FitValidate<M> | null;
  /** Validate every k epochs (and after the last one). */
  validateEvery?: number;
  /** Stop after this many epochs without a better validation score. */
  patience?: number;
  /** Smallest score gain that counts as better. */
  minDelta?: number;
  /** Called after every validated epoch. */
  onEpoch?: (row: FitEpoch<M>) => void;
}

const defaults = {
  seed: 1,
  epochs: 20,
  batchItems: 32,
  optimiser: {},
  validate: null,
  validateEvery: 1,
  patience: Infinity,
  minDelta: 1e-9,
  onEpoch: () => {},
} satisfies Required<FitOptions<Record<string, number>>>;

/** One row of the learning curve (metrics absent when nothing was validated). */
export type FitEpoch<M extends Record<string, number>> =
  & { epoch: number; loss: number }
  & Partial<M>;

/** What {@linkcode fitEpochs} did; the model holds the best parameters. */
export interface FitResult<M extends Record<string, number>> {
  /** Validated epochs (every epoch without validation). */
  history: FitEpoch<M>[];
  /** Epoch whose parameters were restored. */
  bestEpoch: number;
  /** Its validation score (`-Infinity` without validation). */
  bestScore: number;
  /** Epochs run (fewer than asked when stopped early). */
  epochsRun: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Training rows pushed through forward + backward. */
  rowsSeen: number;
}

/**
 * Train `mlp` on `data` for up to `epochs` epochs, restoring the best
 * validated parameters at the end.
 *
 * @param mlp The model (updated in place).
 * @param data Rows, item offsets and the batch loss.
 * @param options Epochs, batch size, optimiser, validation, early stopping.
 * @returns Learning curve and the chosen epoch.
 * @example
 * ```ts
 * type Data = Parameters<typeof fitEpochs>[1];
 * declare const mlp: Parameters<typeof fitEpochs>[0], x: Data["x"], mse: Data["loss"];
 * const fit = await fitEpochs(mlp, { x, loss: mse }, { epochs: 10, batchItems: 64 });
 * ```
 */
export async function fitEpochs<M extends Record<string, number> = Record<string, never>>(
  mlp: Mlp,
  data: FitData,
  options: FitOptions<M> = {},
): Promise<FitResult<M>> {
  const o = { ...defaults, ...options } as Required<FitOptions<M>>;
  const d = mlp.layers[0]!, out = mlp.layers[mlp.layers.length - 1]!;
  const nRows = data.x.length / d;
  const offsets = data.offsets ?? Array.from({ length: nRows + 1 }, (_, i) => i);
  const nItems = offsets.length - 1;
  if (nItems < 1 || offsets[nItems] !== nRows) {
    throw new RangeError(
      `Cannot fit: item offsets end at "${offsets[nItems]}", rows are "${nRows}"`,
    );
  }
  const opt = mlp.optimiser(o.optimiser);
  const rand = mulberry32(o.seed);
  const order = Array.from({ length: nItems }, (_, i) => i);
  // Batch buffers sized for the largest possible batch, reused every step.
  const sizes = order.map((i) => offsets[i + 1]! - offsets[i]!).sort((a, b) => b - a);
  const maxRows = sizes.slice(0, o.batchItems).reduce((s, v) => s + v, 0);
  const xb = new Float32Array(maxRows * d);
  const dY = new Float32Array(maxRows * out);
  const timer = mlp.timer;
  const history: FitEpoch<M>[] = [];
  let bestScore = -Infinity, bestEpoch = 0, bestSnap: Float32Array[] | null = null;
  let steps = 0, rowsSeen = 0, epoch = 0;

  while (epoch < o.epochs) {
    epoch++;
    timer.timeSync("shuffle", () => shuffle(order, rand));
    let lossSum = 0, weightSum = 0;
    for (let start = 0; start < nItems; start += o.batchItems) {
      const batch = timer.timeSync("batch", () => {
        const items = order.slice(start, start + o.batchItems);
        const local = [0];
        let rows = 0;
        for (const it of items) {
          const a = offsets[it]!, b = offsets[it + 1]!;
          xb.set(data.x.subarray(a * d, b * d), rows * d);
          rows += b - a;
          local.push(rows);
        }
        dY.fill(0, 0, rows * out);
        return { items, offsets: local, rows };
      });
      let weight = 0;
      const loss = await mlp.step(opt, xb, batch.rows, (y) => {
        const r = data.loss(y, dY, batch);
        weight = r.weight;
        return { loss: r.loss, dY };
      });
      lossSum += weight * loss;
      weightSum += weight;
      steps++;
      rowsSeen += batch.rows;
    }
    const loss = lossSum / Math.max(weightSum, 1e-12);
    const validate = o.validate;
    if (!validate) {
      const row = { epoch, loss } as FitEpoch<M>;
      history.push(row);
      o.onEpoch(row);
      bestEpoch = epoch;
      continue;
    }
    if (epoch % o.validateEvery !== 0 && epoch !== o.epochs) continue;
    const v = await timer.time("validate", validate);
    const row = { epoch, loss, ...v.metrics } as FitEpoch<M>;
    history.push(row);
    o.onEpoch(row);
    if (v.score > bestScore + o.minDelta) {
      bestScore = v.score;
      bestEpoch = epoch;
      bestSnap = timer.timeSync("snapshot", () => mlp.snapshot());
    } else if (epoch - bestEpoch >= o.patience) break;
  }
  if (bestSnap) mlp.restore(bestSnap);
  return { history, bestEpoch, bestScore, epochsRun: epoch, steps, rowsSeen };
}
