/**
 * The crop proposer: aspect-locked, in-image box parametrisation, IoU-aware
 * training on ORT, loading/saving and a no-model fallback.
 *
 * @module
 */
export { boxLoss, decodeBox, encodeBox, S_MIN } from "./box_param.ts";
export type { BoxLoss } from "./box_param.ts";
export { cropInputSize, STAGE_COLUMNS, writeCropInput, writeStageOneHot } from "./crop_features.ts";
export type { CropFeatureLayout } from "./crop_features.ts";
export { cropMatrix, decodeCropRow, medianBox, trainCropProposer } from "./train_crop.ts";
export type {
  CropExample,
  CropModelMeta,
  TrainCropOptions,
  TrainedCropModel,
} from "./train_crop.ts";
export {
  CROP_FILES,
  cropProposerFrom,
  FALLBACK_BOX,
  fallbackCropProposer,
  loadCropProposer,
  saveCropModel,
} from "./crop_proposer.ts";
export type { CropProposer, LoadCropOptions } from "./crop_proposer.ts";
export { LAYOUT_BLOCK, LAYOUT_GRID, layoutFromGrey } from "./layout_block.ts";
