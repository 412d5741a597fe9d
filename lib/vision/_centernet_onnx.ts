/**
 * Converts Human's CenterNet/MobileNetV3 tfjs graph model (`centernet.json` + `.bin`) into an
 * ONNX model for onnxruntime-node, once. The converted graph takes the image at any size (NHWC
 * floats 0-255), resizes it to 512² inside the graph, and returns the head outputs; the top-k
 * decoding the tfjs graph does at its end is done in JavaScript (`_centernet.ts`).
 *
 * @module
 */
import { GraphBuilder } from "../nn/mod.ts";
import { readTfGraph, TfToOnnx } from "./_tfjs_onnx.ts";

/** Bump when the converted graph changes (part of the cached file name). */
export const CENTERNET_ONNX_VERSION = "centernet-onnx/1";

/** Side of the square image the network sees. */
export const CENTERNET_SIDE = 512;
/** The feature-map side (stride 4). */
export const CENTERNET_GRID = 128;
/** COCO classes. */
export const CENTERNET_CLASSES = 80;

const HEAT = "tower_0/keypoints";
const WH = "tower_0/wh";
const POOL = "tower_0/MobilenetV3/expanded_conv_14/squeeze_excite/Mean";
/** The scalar constants the tfjs graph uses to decode boxes (grid cell → 512-px space). */
const DECODE = ["tower_0/mul_3/y", "tower_0/mul_4/y", "tower_0/mul_5/y", "tower_0/mul_6/y"];

/** The converted model and the box-decoding constants read from the tfjs graph. */
export interface CenternetOnnx {
  /** Encoded ONNX model: input `image` [1, H, W, 3]; outputs `peaks`, `wh`, `embedding`. */
  bytes: Uint8Array;
  /** Multipliers from grid cell to 512-px coordinates for x1, y1, x2, y2. */
  decode: [number, number, number, number];
}

/**
 * Convert the tfjs CenterNet graph in `modelJsonPath` (weights beside it) to ONNX.
 *
 * @param modelJsonPath Path of `centernet.json`.
 * @returns The ONNX bytes and the decode constants.
 * @example
 * ```ts
 * const { bytes } = await centernetToOnnx("node_modules/@vladmandic/human/models/centernet.json");
 * ```
 */
export async function centernetToOnnx(modelJsonPath: string): Promise<CenternetOnnx> {
  const { nodes, consts } = await readTfGraph(modelJsonPath);
  const g = new GraphBuilder("centernet");
  const conv = new TfToOnnx(g, nodes, consts);
  g.input("image", [1, null, null, 3]);
  const t = g.node("Transpose", ["image"], undefined, { perm: [0, 3, 1, 2] });
  // tf.image.resizeBilinear(align_corners=false, half_pixel_centers=false) = "asymmetric".
  const resized = conv.resize(
    { name: t, shape: [1, 3, 0, 0], nchw: true },
    CENTERNET_SIDE,
    CENTERNET_SIDE,
    "linear",
    "asymmetric",
    "image_512",
  );
  conv.bind("tower_0/images", resized);
  const heat = conv.tensor(HEAT).name;
  // Peaks: a cell keeps its score only where it is the max of its 3×3 neighbourhood (the tfjs
  // graph's MaxPool + Equal + Cast + Mul), so the JS decoder only scans and sorts.
  const pooled = g.node("MaxPool", [heat], undefined, {
    kernel_shape: [3, 3],
    pads: [1, 1, 1, 1],
    strides: [1, 1],
  });
  const eq = g.node("Cast", [g.node("Equal", [heat, pooled])], undefined, { to: 1 });
  g.node("Mul", [heat, eq], ["peaks"]);
  g.node("Identity", [conv.tensor(WH).name], ["wh"]);
  g.node("Flatten", [conv.tensor(POOL).name], ["embedding"], { axis: 1 });
  g.output("peaks", [1, CENTERNET_CLASSES, CENTERNET_GRID, CENTERNET_GRID]);
  g.output("wh", [1, 4, CENTERNET_GRID, CENTERNET_GRID]);
  g.output("embedding", [1, null]);
  const decode = DECODE.map((n) => {
    const c = consts.get(n);
    if (!c || c.data.length !== 1) {
      throw new Error(`Cannot convert CenterNet: constant "${n}" is missing`);
    }
    return c.data[0]!;
  }) as [number, number, number, number];
  return { bytes: g.toBytes(), decode };
}
