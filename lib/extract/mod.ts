/**
 * History extraction and sandbox preparation: rebuild a finished project's
 * decisions (chosen stage variant, crop box) from its raw and final folders
 * as logs in the original formats; copy whole groups into the sandbox.
 *
 * @module
 */
export { extractHistory } from "./extract_history.ts";
export { runExtract } from "./run_extract.ts";
export type { ExtractReport } from "./types.ts";
export { scoreExtraction } from "./score_extraction.ts";
export type { TruthRecord } from "./score_extraction.ts";
export { prepareSandbox } from "./prepare_sandbox.ts";
