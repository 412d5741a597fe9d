/**
 * Extra feature blocks (layout, signature, vision, backbone) shared by training and decide.
 *
 * @module
 */
export { addFeatureBlocks, EXTRA_BLOCKS } from "./add_feature_blocks.ts";
export type { AddFeatureBlocksOptions, AddFeatureBlocksResult } from "./add_feature_blocks.ts";
export {
  greySquare,
  LAYOUT_PIXEL_BLOCK,
  PIXEL_BLOCK_NAMES,
  pixelBlocksFor,
  SIGNATURE_PIXEL_BLOCK,
} from "./pixel_blocks.ts";
export { embedWithBlocks } from "./embed_with_blocks.ts";
export type { EmbedWithBlocksOptions, EmbedWithBlocksResult } from "./embed_with_blocks.ts";
