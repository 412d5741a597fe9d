/**
 * The `clip` feature block: an image's L2-normalised CLIP image embedding
 * (OpenCLIP ViT-B-32 "openai" for the creator's history), whether imported
 * from the original tool's `.npy` cache or computed by the creator's ONNX
 * export at embed/decide time. Both sources end in the same
 * `l2normalize()`, so training and decide see one scale.
 *
 * @module
 */

/** Name of the block in `ImageFeatures.blocks` and in `--features`. */
export const CLIP_BLOCK = "clip";
/** Cache key of the block (`name@version`), by content hash and by identity. */
export const CLIP_BLOCK_ID = "clip@v1";
/** Dimension of the original's embeddings (ViT-B-32). */
export const CLIP_DIM = 512;
