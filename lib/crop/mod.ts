/**
 * The crop proposer: aspect-locked, in-image box parametrisation, IoU-aware
 * training on ORT, loading/saving and a no-model fallback.
 *
 * @module
 */
export { boxLoss, decodeBox } from "./box_param.ts";
export { writeStageOneHot } from "./crop_features.ts";
export { cropMatrix, decodeCropRow, trainCropProposer } from "./train_crop.ts";
export type { CropExample, CropModelMeta, TrainCropOptions } from "./train_crop.ts";
export { CROP_FILES, cropProposerFrom, loadCropProposer, saveCropModel } from "./crop_proposer.ts";
export { LAYOUT_BLOCK, LAYOUT_GRID, layoutFromGrey } from "./layout_block.ts";
export { boxFromCoords, fitSubjectCrop, proposeSubjectCrop, subjectView } from "./subject_crop.ts";
export type { SubjectCropModel, SubjectView } from "./subject_crop.ts";
export { addSubjectCrop, BLEND_OPTIONS, blendProposal, chooseCropBlend } from "./blend_crop.ts";
export type { CropBlend } from "./blend_crop.ts";
