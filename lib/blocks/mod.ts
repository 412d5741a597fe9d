/**
 * Extra feature blocks (layout, signature, vision, backbone) shared by training and decide.
 *
 * @module
 */
export { addFeatureBlocks } from "./add_feature_blocks.ts";
export { pixelBlocksFor } from "./pixel_blocks.ts";
export { embedWithBlocks } from "./embed_with_blocks.ts";
