/**
 * Image features for keeper: one decode per file, cached by content.
 *
 * Entry points:
 *
 * - {@linkcode embedFiles}`(paths, { cacheDb, model?, features?, concurrency? })` →
 *   `{ byPath: Map<path, ImageFeatures>, failed: [{ path, reason, detail }], stats }`.
 *   Computes what is missing (decoding each file once) and answers the rest
 *   from the SQLite cache; bad files are listed, the run continues.
 * - Extra pixel blocks: a {@linkcode PixelBlock} `{ name, version, compute(decoded) }`
 *   is computed from the same decode and cached by content + `name@version`;
 *   pass them as `embedFiles(paths, { blocks })`. Owners register theirs with
 *   {@linkcode registerPixelBlock} into {@linkcode PIXEL_BLOCKS};
 *   {@linkcode resolvePixelBlocks} maps `--features` names to them.
 * - {@linkcode openFeatureCache}`(dbPath)` → a {@linkcode FeatureCache}:
 *   `featuresForPaths(paths)` (stat + path index, no file reads: 10k images in
 *   well under a second), `get(sha256, ids)`, `getBlocks(shas, blockIds)` (bulk), `lookupPath(path, stat)`,
 *   `loadEmbeddings(encoderId)` (one `rows × dim` Float32Array).
 * - Pure helpers: {@linkcode l2normalize} (THE normalisation of encoder
 *   outputs, used at training and inference), {@linkcode cosine},
 *   {@linkcode hammingDistance64} (pHash `[hi, lo]` halves),
 *   {@linkcode concatFeatures} (per-block normalised concatenation).
 * - Generated ONNX encoders with CLIP's I/O signature for tests and benchmarks:
 *   `tests/fixtures/make_test_encoder.ts`.
 *
 * @example
 * ```ts
 * import { embedFiles, openFeatureCache } from "../embed/mod.ts";
 * const paths = ["mojo1/a_stage2_upscaled.png", "mojo1/a_stage3_enhanced.png"];
 * const { byPath, failed } = await embedFiles(paths, { cacheDb: "data/cache/features.sqlite" });
 * using cache = openFeatureCache("data/cache/features.sqlite");
 * const { byPath: again } = cache.featuresForPaths(paths);
 * ```
 *
 * @module
 */
export { embedFiles, FEATURES_ID } from "./embed_files.ts";
export type { EmbedFilesOptions, EmbedFilesResult } from "./embed_files.ts";
export { FeatureCache, openFeatureCache } from "./feature_cache.ts";
export { pixelBlockKey, registerPixelBlock } from "./pixel_block.ts";
export type { PixelBlock } from "./pixel_block.ts";
export { OnnxEmbedder } from "./embedder.ts";
export { CLIP_DEFAULTS } from "./encoder_config.ts";
export type { EncoderConfig } from "./encoder_config.ts";
export { computeBuiltinFeatures } from "./builtin_features.ts";
export { cosine, l2normalize } from "../math/mod.ts";
export { embedFolder } from "./embed_folder.ts";
