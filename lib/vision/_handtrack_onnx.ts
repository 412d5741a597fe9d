/**
 * Converts Human's HandTrack detector (SSD MobileNetV2-FPN, `handtrack.json`) into ONNX, once.
 * The tfjs graph wraps its convolutions in a `map` while-loop (preprocessing) and a per-class
 * NMS loop (post-processing) that tfjs runs op by op in JavaScript; the converted graph keeps
 * the preprocessing as plain ops, the convolutions, and the anchor box decoding, and returns
 * every anchor's box and class scores. The NMS Human applies is done in `_handtrack.ts`.
 *
 * @module
 */
import { GraphBuilder } from "../nn/mod.ts";
import { type Const, readTfGraph, TfToOnnx } from "./_tfjs_onnx.ts";

/** Bump when the converted graph changes (part of the cached file name). */
export const HANDTRACK_ONNX_VERSION = "handtrack-onnx/1";
/** Side of the square image the detector sees. */
export const HANDTRACK_SIDE = 320;

const P = "StatefulPartitionedCall/";
const PRE = `${P}map/while/body/_410/map/while/Preprocessor/`;
const DEC = `${P}Postprocessor/Decode/`;
const CF = `ConstantFolding/${P}Postprocessor/Decode/`;

/**
 * Convert the tfjs HandTrack graph in `modelJsonPath` to ONNX. Inputs: `image` [1, H, W, 3]
 * (floats 0-255) and `sizes` [4] (Human's first resize, to at most 512 px: `[1, 3, h, w]` as
 * floats). Outputs: `boxes` [A, 4] (`ymin, xmin, ymax, xmax`, normalised) and `scores` [1, A, 8]
 * (sigmoid; column 0 is the background).
 *
 * @param modelJsonPath Path of `handtrack.json`.
 * @returns The encoded model.
 * @example
 * ```ts
 * const bytes = await handtrackToOnnx("node_modules/@vladmandic/human/models/handtrack.json");
 * ```
 */
export async function handtrackToOnnx(modelJsonPath: string): Promise<Uint8Array> {
  const { nodes, consts } = await readTfGraph(modelJsonPath);
  const c = (name: string): Const => {
    const v = consts.get(name);
    if (!v) throw new Error(`Cannot convert HandTrack: constant "${name}" is missing`);
    return v;
  };
  const g = new GraphBuilder("handtrack");
  const conv = new TfToOnnx(g, nodes, consts);
  g.input("image", [1, null, null, 3]);
  g.input("sizes", [4]);
  // Human: resizeBilinear to ≤512 px, cast to int32; the graph's loop body: ×(2/255) − 1,
  // resizeBilinear to 320² (both without half-pixel centres: "asymmetric").
  const nchw = g.node("Transpose", ["image"], undefined, { perm: [0, 3, 1, 2] });
  const sizes = g.node("Cast", ["sizes"], undefined, { to: 7 }); // INT64
  const first = g.node("Resize", [nchw, "", "", sizes], undefined, {
    mode: "linear",
    coordinate_transformation_mode: "asymmetric",
  });
  const ints = g.node("Floor", [first]);
  const mul = g.node("Mul", [ints, conv.scalar(c(`${PRE}mul/x`).data[0]!)]);
  const sub = g.node("Sub", [mul, conv.scalar(c(`${PRE}sub/y`).data[0]!)]);
  const input = conv.resize(
    { name: sub, shape: [1, 3, 0, 0], nchw: true },
    HANDTRACK_SIDE,
    HANDTRACK_SIDE,
    "linear",
    "asymmetric",
    "image_320",
  );
  conv.bind(`${P}map/TensorArrayV2Stack/TensorListStack`, input);
  const rel = conv.tensor(`${P}concat`);
  const logits = conv.tensor(`${P}concat_1`);
  const anchors = rel.shape[1]!;
  // Box decoding (TF object detection API, folded constants): centre + exp(size) per anchor.
  const vec = (name: string): string => g.floatInit(name, [anchors], c(name).data);
  const sc = (name: string): string => conv.scalar(c(name).data[0]!);
  const flat = g.node("Reshape", [rel.name, g.int64Init("rel_shape", [anchors, 4])]);
  const rows = g.node("Transpose", [flat], undefined, { perm: [1, 0] });
  const [ty, tx, th, tw] = ["ty", "tx", "th", "tw"];
  g.node("Split", [rows], [ty, tx, th, tw], { axis: 0 });
  const yc = g.node("Add", [
    g.node("Mul", [ty, vec(`${DEC}truediv`)]),
    vec(`${DEC}get_center_coordinates_and_sizes/add`),
  ]);
  const xc = g.node("Add", [
    g.node("Mul", [tx, vec(`${DEC}truediv_1`)]),
    vec(`${DEC}get_center_coordinates_and_sizes/add_1`),
  ]);
  const h = g.node("Mul", [
    g.node("Exp", [g.node("Mul", [th, sc(`${CF}truediv_2_recip`)])]),
    vec(`${DEC}get_center_coordinates_and_sizes/sub_1`),
  ]);
  const w = g.node("Mul", [
    g.node("Exp", [g.node("Mul", [tw, sc(`${CF}truediv_3_recip`)])]),
    vec(`${DEC}get_center_coordinates_and_sizes/sub`),
  ]);
  const ymin = g.node("Sub", [yc, g.node("Mul", [h, sc(`${CF}truediv_4_recip`)])]);
  const xmin = g.node("Sub", [xc, g.node("Mul", [w, sc(`${CF}truediv_5_recip`)])]);
  const ymax = g.node("Add", [yc, g.node("Mul", [h, sc(`${CF}truediv_6_recip`)])]);
  const xmax = g.node("Add", [xc, g.node("Mul", [w, sc(`${CF}truediv_7_recip`)])]);
  const stacked = g.node("Concat", [ymin, xmin, ymax, xmax], undefined, { axis: 0 });
  g.node("Transpose", [stacked], ["boxes"], { perm: [1, 0] });
  g.node("Sigmoid", [logits.name], ["scores"]);
  g.output("boxes", [anchors, 4]);
  g.output("scores", logits.shape);
  return g.toBytes();
}
