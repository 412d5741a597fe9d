/**
 * The creator's CLIP embeddings: the original tool's `.npy` cache imported
 * as the `clip` feature block (by identity, and by content where the image
 * still exists), `.npy` reading/writing, and the `clip` block of images
 * with pixels (imported vector by content hash, else the ONNX encoder's).
 *
 * - {@linkcode importEmbeddings}`(index, { cacheDb, embeddingsDir?, projectsDir?, projectMap? })`
 *   → `{ imported, rejected, by_project, duplicates, … }`.
 * - {@linkcode readNpyVector} / {@linkcode writeNpyVector}: NumPy `.npy` v1-3, `<f4` / `<f2`.
 * - {@linkcode CLIP_BLOCK} (`"clip"`), {@linkcode CLIP_BLOCK_ID} (`"clip@v1"`).
 *
 * @example
 * ```ts
 * import { importEmbeddings } from "../clip/mod.ts";
 * const s = await importEmbeddings("data/ai_data/cache/processed_images.jsonl");
 * ```
 *
 * @module
 */
export { CLIP_BLOCK, CLIP_BLOCK_ID } from "./clip_block.ts";
export { importEmbeddings } from "./import_embeddings.ts";
export type { ImportEmbeddingsSummary } from "./import_embeddings.ts";
export { loadClipByIdentity } from "./load_clip_by_identity.ts";
export { writeNpyVector } from "./npy.ts";
