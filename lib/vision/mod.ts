/**
 * Pretrained vision with no downloads: faces, bodies, hands, persons and a 720-d embedding from
 * the graph models shipped inside `@vladmandic/human`, plus the feature blocks built from them.
 *
 * Wiring into embeddings (lib/embed): load once, compute the requested blocks per image, and key
 * the cached blocks by their ids (`visionBlocksId` in `vision_features.ts`).
 * ```ts
 * import { readRaw } from "../image/mod.ts";
 * import type { ImageFeatures } from "../types.ts";
 * declare const features: ImageFeatures; // from lib/embed
 * const raw = await readRaw("mojo1/a_stage2_upscaled.png");
 * await using model = await VisionModel.load();
 * const blocks = await visionFeatures(model, raw, { blocks: ["vision", "backbone"] });
 * features.blocks = { ...features.blocks, ...blocks };
 * ```
 *
 * @module
 */
export { VisionModel } from "./vision_model.ts";
export { analyzeCached } from "./analyze_cached.ts";
export { visionFeatures } from "./vision_features.ts";
export { VISION_BLOCK_LAYOUT, visionBlockIndex } from "./vision_block.ts";
export type { VisionBlockName } from "./vision_block.ts";
export { subjectBox } from "./subject_box.ts";
