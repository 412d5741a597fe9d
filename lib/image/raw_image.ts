/**
 * The pixel type every image function takes and returns. Its own file so that the sharp adapter
 * (`_sharp.ts`) and the direct libvips calls (`_vips.ts`) share it without importing each other
 * both ways.
 *
 * @module
 */

/** Decoded pixels, interleaved, 8-bit. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: 1 | 3 | 4;
}
