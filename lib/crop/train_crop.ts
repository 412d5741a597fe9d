/**
 * Train the crop proposer: one MLP with four outputs — needs-crop logit,
 * box logits `(a, b, c)` (see box_param.ts) — plus an IoU-confidence logit,
 * trained on `(1 - IoU) + L1` for the box, BCE for needs-crop and BCE
 * against the achieved IoU for confidence. Early stopping on validation IoU.
 *
 * @module
 */
import type { Box, GroupMemberInput } from "../types.ts";
import {
  applyStandardiser,
  type FeatureNames,
  fitEpochs,
  type FitLoss,
  inferFeatureSpec,
  Mlp,
  standardiser,
} from "../nn/mod.ts";
import { boxLoss, decodeBox, encodeBox } from "./box_param.ts";
import { iou, median } from "../math/mod.ts";
import { type CropFeatureLayout, cropInputSize, writeCropInput } from "./crop_features.ts";
import type { SubjectCropModel } from "./subject_crop.ts";
import type { CropBlend } from "./blend_crop.ts";

export type { CropExample } from "./crop_example.ts";
import type { CropExample } from "./crop_example.ts";

/** Options for {@linkcode trainCropProposer}. */
export interface TrainCropOptions {
  seed?: number;
  epochs?: number;
  hidden?: number[];
  lr?: number;
  weightDecay?: number;
  batchSize?: number;
  /** Weight of the corner L1 term beside 1 - IoU. */
  l1?: number;
  /** Stop after this many epochs without validation improvement. */
  patience?: number;
  /** Feature blocks to read. */
  features?: FeatureNames;
  threads?: number;
  /** Called after every epoch. */
  onEpoch?: (epoch: number, loss: number, valIou: number) => void;
}

const defaults = {
  seed: 1,
  epochs: 60,
  hidden: [128],
  lr: 2e-3,
  weightDecay: 1e-4,
  batchSize: 256,
  l1: 0.05,
  patience: 12,
  features: ["builtin", "embedding"],
  threads: 0,
  onEpoch: () => {},
} satisfies Required<TrainCropOptions>;

/** Metadata saved beside `crop.onnx`. */
export interface CropModelMeta {
  kind: "crop";
  identity: string;
  layout: CropFeatureLayout;
  layers: number[];
  hyperparameters: Record<string, unknown>;
  history: { epoch: number; loss: number; val_iou: number }[];
  best_epoch: number;
  val_iou: number;
  created: string;
  training_data_hash?: string;
  split_seed?: number;
  metrics?: Record<string, unknown>;
  /** The subject-relative crop (absent: no crop image carried the `vision` block). */
  subject?: SubjectCropModel;
  /** Per-project mix of the learned and subject crops, chosen on validation. */
  blend?: CropBlend;
}

/** A trained crop model: inference ONNX + metadata. */
export interface TrainedCropModel {
  onnx: Uint8Array;
  meta: CropModelMeta;
}

/** Per-coordinate median box of examples (`[0,0,1,1]` when empty). */
export function medianBox(boxes: Box[]): Box {
  if (boxes.length === 0) return [0, 0, 1, 1];
  return [0, 1, 2, 3].map((i) => median(boxes.map((b) => b[i]!))) as Box;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Build the input matrix for examples under a layout. */
export function cropMatrix(members: GroupMemberInput[], layout: CropFeatureLayout): Float32Array {
  const d = cropInputSize(layout);
  const x = new Float32Array(members.length * d);
  members.forEach((m, i) => writeCropInput(m, layout, x, i));
  return x;
}

/** Decode one output row `[needs, a, b, c, q]` to a proposal-like triple. */
export function decodeCropRow(
  y: Float32Array,
  i: number,
): { needs: number; box: Box; conf: number } {
  const o = i * 5;
  return {
    needs: sigmoid(y[o]!),
    box: decodeBox(y[o + 1]!, y[o + 2]!, y[o + 3]!),
    conf: sigmoid(y[o + 4]!),
  };
}

/** Loss of output row `i` against its example; writes that row of dY (already / n). */
function cropRowLoss(
  y: Float32Array,
  dY: Float32Array,
  i: number,
  c: { example: CropExample; n: number; l1: number },
): number {
  const e = c.example, n = c.n, yo = i * 5;
  const pNeeds = sigmoid(y[yo]!);
  const t = e.no_crop ? 0 : 1;
  let l = 0.5 * -(t * Math.log(pNeeds + 1e-7) + (1 - t) * Math.log(1 - pNeeds + 1e-7));
  dY[yo] = 0.5 * (pNeeds - t) / n;
  const b = boxLoss(y[yo + 1]!, y[yo + 2]!, y[yo + 3]!, e.box, c.l1);
  l += b.loss;
  for (let k = 0; k < 3; k++) dY[yo + 1 + k] = b.grad[k]! / n;
  const q = sigmoid(y[yo + 4]!);
  l += 0.2 * -(b.iou * Math.log(q + 1e-7) + (1 - b.iou) * Math.log(1 - q + 1e-7));
  dY[yo + 4] = 0.2 * (q - b.iou) / n;
  return l;
}

/**
 * Train a crop proposer.
 *
 * @param train Training examples.
 * @param val Validation examples (early stopping).
 * @param options Hyper-parameters.
 * @returns Inference ONNX and metadata.
 * @example
 * ```ts
 * declare const trainSet: Parameters<typeof trainCropProposer>[0], valSet: Parameters<typeof trainCropProposer>[1];
 * const model = await trainCropProposer(trainSet, valSet, { epochs: 30 });
 * ```
 */
export async function trainCropProposer(
  train: CropExample[],
  val: CropExample[],
  options: TrainCropOptions = {},
): Promise<TrainedCropModel> {
  const o = { ...defaults, ...options };
  if (train.length === 0) throw new RangeError("Cannot train crop proposer: no training examples");
  const projects = [...new Set(train.map((e) => e.member.project))].sort();
  const layout: CropFeatureLayout = {
    image: inferFeatureSpec(train.map((e) => e.member.features), o.features),
    projects,
  };
  const d = cropInputSize(layout);
  const xTrain = cropMatrix(train.map((e) => e.member), layout);
  const norm = standardiser(xTrain, train.length, d);
  applyStandardiser(xTrain, d, norm);
  const xVal = applyStandardiser(cropMatrix(val.map((e) => e.member), layout), d, norm);

  const cropRate = train.filter((e) => !e.no_crop).length / train.length;
  const clampP = Math.min(Math.max(cropRate, 0.01), 0.99);
  const init = encodeBox(medianBox(train.map((e) => e.box)));
  const layers = [d, ...o.hidden, 5];
  const mlp = await Mlp.create(layers, {
    seed: o.seed,
    threads: o.threads,
    outputBias: [Math.log(clampP / (1 - clampP)), ...init, 1],
  });
  // Start the output layer small so the initial proposal is the median box.
  const wOut = mlp.params[mlp.params.length - 2]!;
  for (let i = 0; i < wOut.length; i++) wOut[i] = wOut[i]! * 0.01;

  const validate = async (): Promise<{ score: number; metrics: { val_iou: number } }> => {
    const y = await mlp.predict(xVal, val.length);
    let s = 0;
    val.forEach((e, i) => (s += iou(decodeCropRow(y, i).box, e.box)));
    return { score: s / val.length, metrics: { val_iou: s / val.length } };
  };

  const loss: FitLoss = (y, dY, batch) => {
    const n = batch.rows;
    let l = 0;
    for (let i = 0; i < n; i++) {
      const example = train[batch.items[i]!]!, w = example.weight ?? 1;
      // Scaling n by 1/w scales this row's gradient by w.
      l += w * cropRowLoss(y, dY, i, { example, n: n / w, l1: o.l1 });
    }
    return { loss: l / n, weight: n };
  };

  const fit = await fitEpochs(mlp, { x: xTrain, loss }, {
    seed: o.seed ^ 0x9e3779b9,
    epochs: o.epochs,
    batchItems: o.batchSize,
    optimiser: { lr: o.lr, weightDecay: o.weightDecay },
    validate: val.length ? validate : null,
    patience: o.patience,
    minDelta: 1e-6,
    onEpoch: (row) => o.onEpoch(row.epoch, row.loss, row.val_iou ?? 0),
  });
  const history = fit.history.map((r) => ({
    epoch: r.epoch,
    loss: r.loss,
    val_iou: r.val_iou ?? 0,
  }));
  const bestEpoch = fit.bestEpoch;
  const best = val.length ? fit.bestScore : 0;
  const onnx = mlp.toOnnx(norm.mean, norm.invStd);
  await mlp.dispose();
  const { onEpoch: _cb, ...hyper } = o;
  return {
    onnx,
    meta: {
      kind: "crop",
      identity: `crop-mlp-${layers.join("x")}-s${o.seed}`,
      layout,
      layers,
      hyperparameters: hyper,
      history,
      best_epoch: bestEpoch,
      val_iou: best,
      created: new Date().toISOString(),
    },
  };
}
