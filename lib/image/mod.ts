/**
 * Decoding, encoding and resizing images (the only folder that touches sharp).
 *
 * @module
 */
export { encodeRaw, probe, readRaw, resizeRaw } from "./_sharp.ts";
export type { EncodeOptions, Kernel, RawImage, ReadRawOptions } from "./_sharp.ts";
