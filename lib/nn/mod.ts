/**
 * Dense math on onnxruntime-node: MLP forward/backward graphs, AdamW,
 * seeded RNG, ONNX weight I/O and a TypeScript forward pass for small
 * synchronous inference.
 *
 * @module
 */
export { Mlp, OnnxModel } from "./mlp.ts";
export type { LossResult, MlpOptions } from "./mlp.ts";
export { Adam } from "./adam.ts";
export { fitEpochs } from "./fit_epochs.ts";
export type {
  FitBatch,
  FitData,
  FitEpoch,
  FitLoss,
  FitOptions,
  FitResult,
  FitValidate,
} from "./fit_epochs.ts";
export { PhaseTimer, processCpuSeconds } from "./phase_timer.ts";
export type { PhaseTotals } from "./phase_timer.ts";
export type { AdamOptions } from "./adam.ts";
export { gaussian, mulberry32, shuffle } from "../random/mod.ts";
export { denseForward, readOnnxMlp } from "./dense_forward.ts";
export type { DenseMlp } from "./dense_forward.ts";
export { GraphBuilder, IR_VERSION, OPSET } from "./_graph.ts";
export { OrtSession } from "./_ort.ts";
export type { FloatTensor } from "./_ort.ts";
export {
  applyStandardiser,
  inferFeatureSpec,
  specSize,
  standardiser,
  writeImageVector,
} from "./feature_spec.ts";
export type { FeatureNames, FeatureSpec } from "./feature_spec.ts";
