/**
 * Pixels → encoder input tensor: the square from `decodeOnce` (CLIP geometry,
 * bicubic) scaled to 0-1 and normalised per channel, laid out NCHW.
 *
 * @module
 */
import type { RawImage } from "../image/mod.ts";
import type { EncoderConfig } from "./encoder_config.ts";

/**
 * Write one RGB square into a batch tensor at position `index`.
 *
 * @param square RGB pixels, `input_size`² (channels 3).
 * @param target Batch buffer `[N, 3, S, S]`.
 * @param index Position in the batch.
 * @param config Mean, std and input size.
 * @example
 * ```ts
 * import { CLIP_DEFAULTS } from "./encoder_config.ts";
 * import type { RawImage } from "../image/mod.ts";
 * declare const square: RawImage, batch: Float32Array;
 * writeEncoderInput(square, batch, 0, CLIP_DEFAULTS);
 * ```
 */
export function writeEncoderInput(
  square: RawImage,
  target: Float32Array,
  index: number,
  config: Pick<EncoderConfig, "input_size" | "mean" | "std">,
): void {
  const s = config.input_size;
  if (square.width !== s || square.height !== s || square.channels !== 3) {
    throw new RangeError(
      `Cannot build encoder input: square is ${square.width}x${square.height}x${square.channels}, ` +
        `expected ${s}x${s}x3`,
    );
  }
  const plane = s * s;
  const base = index * 3 * plane;
  const src = square.data;
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * config.std[c]!);
    const shift = config.mean[c]! / config.std[c]!;
    const off = base + c * plane;
    for (let p = 0, i = c; p < plane; p++, i += 3) target[off + p] = src[i]! * scale - shift;
  }
}
