/**
 * Dense math on onnxruntime-node: MLP forward/backward graphs, AdamW,
 * seeded RNG, ONNX weight I/O and a TypeScript forward pass for small
 * synchronous inference.
 *
 * @module
 */
export { Mlp, OnnxModel } from "./mlp.ts";
export { fitEpochs } from "./fit_epochs.ts";
export type { FitEpoch, FitLoss } from "./fit_epochs.ts";
export { PhaseTimer, processCpuSeconds } from "./phase_timer.ts";
export { denseForward, readOnnxMlp } from "./dense_forward.ts";
export type { DenseMlp } from "./dense_forward.ts";
export { GraphBuilder } from "./_graph.ts";
export { OrtSession } from "./_ort.ts";
export {
  applyStandardiser,
  inferFeatureSpec,
  specSize,
  standardiser,
  writeImageVector,
} from "./feature_spec.ts";
export type { FeatureNames, FeatureSpec } from "./feature_spec.ts";
