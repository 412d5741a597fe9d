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
  probeOriented,
  readRaw,
  referencePhash,
  resizeCubicExtract,
  resizeInside,
  resizeRaw,
  writeJpeg,
} from "./_sharp.ts";
export type {
  DecodeToRgbOptions,
  EncodeOptions,
  Kernel,
  RawImage,
  ReadRawOptions,
} from "./_sharp.ts";
export { clipPlan } from "./clip_plan.ts";
export { lumaOf } from "./luma.ts";
export type { ClipPlan } from "./clip_plan.ts";
export { decodeOnce, gridTiles, ReadBuffer, readImageBytes } from "./decode_once.ts";
export { PixelBuffer } from "./_vips.ts";
export type { DecodedImage, DecodeOnceOptions, Tile } from "./decode_once.ts";
export {
  classifyDecoderMessage,
  ImageReadError,
  isVisiblyTruncated,
  sniffImageFormat,
} from "./image_read_error.ts";
export type { ImageFailureReason } from "./image_read_error.ts";
export {
  grey32,
  hammingDistance64,
  phashBits,
  phashFromBitString,
  phashFromGrey32,
} from "./phash.ts";
export { boxToPixels, cropEncoded, cropToNewFile, MAX_PIXELS } from "./crop_to_new_file.ts";
export type { CropResult, CropToNewFileOptions } from "./crop_to_new_file.ts";
export { thumbnail, thumbnailPath } from "./thumbnail.ts";
export type { ThumbnailOptions } from "./thumbnail.ts";
