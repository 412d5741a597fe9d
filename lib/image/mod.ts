/**
 * Decoding, encoding and resizing images (the only folder that touches sharp),
 * the one-decode product pass (`decodeOnce`), perceptual hashes, the crop
 * execution primitive and content-addressed thumbnails.
 *
 * @module
 */
export {
  bareDecodeResize,
  decodeCount,
  decodeRegion,
  decodeToRgb,
  encodeRaw,
  probe,
  readRaw,
  referencePhash,
  resizeRaw,
  writeJpeg,
} from "./_sharp.ts";
export type { RawImage } from "./_sharp.ts";
export { clipPlan } from "./clip_plan.ts";
export { lumaOf } from "./luma.ts";
export { decodeOnce, gridTiles, ReadBuffer, readImageBytes } from "./decode_once.ts";
export type { DecodedImage, Tile } from "./decode_once.ts";
export { classifyDecoderMessage, ImageReadError } from "./image_read_error.ts";
export { grey32, hammingDistance64, phashBits, phashFromGrey32 } from "./phash.ts";
export { boxToPixels, cropEncoded, cropToNewFile, MAX_PIXELS } from "./crop_to_new_file.ts";
export { thumbnail } from "./thumbnail.ts";
export { checkImageFile } from "./check_image_file.ts";
export type { CheckImageFileOptions } from "./check_image_file.ts";
