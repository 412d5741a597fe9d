/**
 * Extra feature blocks (layout, vision, backbone) shared by training and decide.
 *
 * @module
 */
export { addFeatureBlocks, EXTRA_BLOCKS } from "./add_feature_blocks.ts";
export type { AddFeatureBlocksOptions, AddFeatureBlocksResult } from "./add_feature_blocks.ts";
