/**
 * Pretrained vision with no downloads: faces, bodies, hands, persons and a 720-d embedding from
 * the graph models shipped inside `@vladmandic/human`, plus the feature blocks built from them.
 *
 * Wiring into embeddings (lib/embed): load once, compute the requested blocks per image, and put
 * {@linkcode visionBlocksId} into the cache key.
 * ```ts
 * await using model = await VisionModel.load();
 * const blocks = await visionFeatures(model, raw, { blocks: ["vision", "backbone"] });
 * features.blocks = { ...features.blocks, ...blocks };
 * const cacheId = visionBlocksId(["vision", "backbone"]); // "vision-v1+backbone-v1@human-3.3.6+ort/3"
 * ```
 *
 * @module
 */
export { type AnalyzeOptions, VisionModel, visionModelDefaults } from "./vision_model.ts";
export type { VisionModelOptions } from "./vision_model.ts";
export {
  analyzeCached,
  analyzeCachedDefaults,
  type AnalyzeCachedOptions,
  VISION_RESULT_VERSION,
  visionCacheKey,
} from "./analyze_cached.ts";
export {
  COCO_LABELS,
  KEYPOINT_NAMES,
  type KeypointName,
  type LabeledBox,
  type ScoredBox,
  type VisionBody,
  type VisionFace,
  type VisionKeypoint,
  type VisionResult,
} from "./_types.ts";
export {
  clampBox,
  headBox,
  subjectBox,
  subjectBoxDefaults,
  type SubjectBoxOptions,
  unionBox,
} from "./subject_box.ts";
export {
  BACKBONE_BLOCK_VERSION,
  BACKBONE_DIM,
  backboneBlock,
  VISION_BLOCK_DIM,
  VISION_BLOCK_LAYOUT,
  VISION_BLOCK_VERSION,
  visionBlock,
  visionBlockIndex,
  type VisionBlockName,
  type VisionBlockOptions,
} from "./vision_block.ts";
export {
  VISION_FEATURE_BLOCKS,
  visionBlocksId,
  type VisionFeatureBlock,
  visionFeatures,
  visionFeaturesDefaults,
  type VisionFeaturesOptions,
} from "./vision_features.ts";
export {
  DELTA_KEYS,
  VISION_DELTA_DIM,
  VISION_DELTA_LAYOUT,
  visionDelta,
  visionReasons,
  visionReasonsDefaults,
  type VisionReasonsOptions,
} from "./vision_delta.ts";
