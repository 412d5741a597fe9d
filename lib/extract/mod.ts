/**
 * History extraction and sandbox preparation: rebuild a finished project's
 * decisions (chosen stage variant, crop box) from its raw and final folders
 * as logs in the original formats; copy whole groups into the sandbox.
 *
 * @module
 */
export { extractHistory } from "./extract_history.ts";
export { extractCoverage } from "./extract_coverage.ts";
export type { ExtractedGroup, ExtractOptions, ExtractReport } from "./types.ts";
export { FIND_CROP_DEFAULTS, findCropBox, resizeGrey } from "./find_crop_box.ts";
export type { CropMatch, FindCropBoxOptions, GreyImage } from "./find_crop_box.ts";
export { CROP_HEADER, SELECTION_HEADER } from "./_outputs.ts";
export { scoreExtraction } from "./score_extraction.ts";
export type { ExtractionScore, ScoreExtractionOptions, TruthRecord } from "./score_extraction.ts";
export { prepareSandbox } from "./prepare_sandbox.ts";
export type { PrepareSandboxOptions, SandboxReport } from "./prepare_sandbox.ts";
