/**
 * Small file-system helpers shared by every folder: atomic replace (temp file + rename) and
 * content hashes.
 *
 * ```ts
 * import { fileSha256, writeFileAtomic } from "../fs/mod.ts";
 * await writeFileAtomic("cache/result.json", JSON.stringify({ n: 1 }));
 * const sha = await fileSha256("cache/result.json");
 * ```
 *
 * @module
 */
export { fileSha256, fileSha256Sync, sha256Hex } from "./sha256.ts";
export { writeFileAtomic } from "./write_file_atomic.ts";
export { sweepTempFiles, sweepTempFilesIn } from "./sweep_temp_files.ts";
export type { SweepTempFilesOptions } from "./sweep_temp_files.ts";
export { LineReadError, MAX_JSONL_FILE_BYTES, MAX_RECORD_BYTES, readLines } from "./read_lines.ts";
export type { LineProblem, ReadLinesOptions, TextLine } from "./read_lines.ts";
