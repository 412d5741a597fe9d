/**
 * Converts Human's CenterNet/MobileNetV3 tfjs graph model (`centernet.json` + `.bin`) into an
 * ONNX model for onnxruntime-node, in TypeScript, once. The converted graph takes the image at
 * any size (NHWC floats 0-255), resizes it to 512² inside the graph, and returns the raw head
 * outputs; the top-k decoding the tfjs graph does at its end is done in JavaScript
 * (`_centernet.ts`), where it is cheaper than in either runtime.
 *
 * Layout: tfjs graphs are NHWC, ONNX convolutions are NCHW; the image is transposed once at the
 * input and every weight is reordered here (HWIO → OIHW, depthwise HWC1 → C1HW with group C).
 *
 * @module
 */
import { GraphBuilder } from "../nn/mod.ts";

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

interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}
interface TfAttr {
  s?: string;
  b?: boolean;
  i?: string;
  list?: { i?: string[]; s?: string[] };
}
interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}
interface ModelJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

/** A decoded constant: values and TF shape. */
interface Const {
  data: Float32Array;
  shape: number[];
}

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
  const json = JSON.parse(await Deno.readTextFile(modelJsonPath)) as ModelJson;
  const dir = modelJsonPath.slice(0, modelJsonPath.lastIndexOf("/") + 1);
  const consts = new Map<string, Const>();
  for (const group of json.weightsManifest) {
    const parts = await Promise.all(group.paths.map((p) => Deno.readFile(dir + p)));
    decodeWeights(concat(parts), group.weights, consts);
  }
  const nodes = new Map(json.modelTopology.node.map((n) => [n.name, n]));
  const g = new GraphBuilder("centernet");
  const conv = new Converter(g, nodes, consts);
  conv.tensor(HEAT);
  conv.tensor(WH);
  conv.tensor(POOL);
  // Peaks: a cell keeps its score only where it is the max of its 3×3 neighbourhood (the tfjs
  // graph's MaxPool + Equal + Cast + Mul), so the JS decoder only scans and sorts.
  const heat = conv.name(HEAT);
  const pooled = g.node("MaxPool", [heat], undefined, {
    kernel_shape: [3, 3],
    pads: [1, 1, 1, 1],
    strides: [1, 1],
  });
  const eq = g.node("Cast", [g.node("Equal", [heat, pooled])], undefined, { to: 1 });
  g.node("Mul", [heat, eq], ["peaks"]);
  g.node("Identity", [conv.name(WH)], ["wh"]);
  g.node("Flatten", [conv.name(POOL)], ["embedding"], { axis: 1 });
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

/** Walks the tfjs graph from the wanted outputs, emitting ONNX nodes (NCHW) with static shapes. */
class Converter {
  #names = new Map<string, string>();
  #shapes = new Map<string, number[]>();
  #inits = new Set<string>();
  constructor(
    readonly g: GraphBuilder,
    readonly nodes: Map<string, TfNode>,
    readonly consts: Map<string, Const>,
  ) {}

  name(tf: string): string {
    const n = this.#names.get(tf);
    if (!n) throw new Error(`Cannot convert CenterNet: "${tf}" was not converted`);
    return n;
  }

  /** Convert `tf` (and what it depends on); returns its ONNX name and NCHW shape. */
  tensor(tf: string): [string, number[]] {
    const known = this.#names.get(tf);
    if (known) return [known, this.#shapes.get(tf)!];
    const node = this.nodes.get(tf);
    if (!node) throw new Error(`Cannot convert CenterNet: node "${tf}" is missing`);
    const [name, shape] = this.#emit(node);
    this.#names.set(tf, name);
    this.#shapes.set(tf, shape);
    return [name, shape];
  }

  #const(tf: string): Const {
    const c = this.consts.get(tf);
    if (!c) throw new Error(`Cannot convert CenterNet: constant "${tf}" is missing`);
    return c;
  }

  /** An elementwise operand: a constant (scalar or per-channel) or a converted tensor. */
  #operand(tf: string): [string, number[] | null] {
    if (!this.consts.has(tf)) return this.tensor(tf);
    const c = this.#const(tf);
    const name = `c:${tf}`;
    const dims = c.data.length === 1 ? [] : [c.data.length, 1, 1];
    if (!this.#inits.has(name)) {
      this.g.floatInit(name, dims, c.data);
      this.#inits.add(name);
    }
    return [name, null];
  }

  #emit(n: TfNode): [string, number[]] {
    const g = this.g;
    const ins = (n.input ?? []).filter((i) => !i.startsWith("^"));
    const out = n.name;
    switch (n.op) {
      case "Placeholder": {
        g.input("image", [1, null, null, 3]);
        const t = g.node("Transpose", ["image"], undefined, { perm: [0, 3, 1, 2] });
        const sizes = g.int64Init("image_sizes", [1, 3, CENTERNET_SIDE, CENTERNET_SIDE]);
        // tf.image.resizeBilinear(align_corners=false, half_pixel_centers=false) = "asymmetric".
        g.node("Resize", [t, "", "", sizes], [out], {
          mode: "linear",
          coordinate_transformation_mode: "asymmetric",
        });
        return [out, [1, 3, CENTERNET_SIDE, CENTERNET_SIDE]];
      }
      case "Identity":
        return this.tensor(ins[0]!);
      case "_FusedConv2D":
      case "FusedDepthwiseConv2dNative":
      case "Conv2D":
      case "DepthwiseConv2dNative":
        return this.#conv(n, ins);
      case "Mul":
      case "Add":
      case "AddV2":
      case "Sub": {
        const [a, sa] = this.#operand(ins[0]!);
        const [b, sb] = this.#operand(ins[1]!);
        const shape = sa ?? sb;
        if (!shape) throw new Error(`Cannot convert CenterNet: "${out}" has only constants`);
        g.node(n.op === "AddV2" ? "Add" : n.op, [a, b], [out]);
        return [out, shape];
      }
      case "Relu":
      case "Sigmoid": {
        const [x, s] = this.tensor(ins[0]!);
        g.node(n.op, [x], [out]);
        return [out, s];
      }
      case "Relu6": {
        const [x, s] = this.tensor(ins[0]!);
        g.node("Clip", [x, this.#scalar(0), this.#scalar(6)], [out]);
        return [out, s];
      }
      case "Mean": {
        const [x, s] = this.tensor(ins[0]!);
        const axes = Array.from(this.#const(ins[1]!).data, nchwAxis);
        const keep = n.attr?.["keep_dims"]?.b ? 1 : 0;
        g.node("ReduceMean", [x], [out], { axes, keepdims: keep });
        const shape = s.map((d, i) => axes.includes(i) ? 1 : d).filter((_, i) =>
          keep === 1 || !axes.includes(i)
        );
        return [out, shape];
      }
      case "ResizeBilinear": {
        const [x, s] = this.tensor(ins[0]!);
        const [h = 0, w = 0] = this.#const(ins[1]!).data;
        const sizes = g.int64Init(`${out}/sizes`, [s[0]!, s[1]!, h, w]);
        const halfPixel = n.attr?.["half_pixel_centers"]?.b === true;
        const align = n.attr?.["align_corners"]?.b === true;
        g.node("Resize", [x, "", "", sizes], [out], {
          mode: "linear",
          coordinate_transformation_mode: align
            ? "align_corners"
            : halfPixel
            ? "half_pixel"
            : "asymmetric",
        });
        return [out, [s[0]!, s[1]!, h, w]];
      }
      case "ConcatV2": {
        const parts = ins.slice(0, -1).map((i) => this.tensor(i));
        const axis = nchwAxis(this.#const(ins[ins.length - 1]!).data[0]!);
        g.node("Concat", parts.map((p) => p[0]), [out], { axis });
        const shape = [...parts[0]![1]];
        shape[axis] = parts.reduce((sum, p) => sum + p[1][axis]!, 0);
        return [out, shape];
      }
      default:
        throw new Error(`Cannot convert CenterNet: op "${n.op}" of "${out}" is not supported`);
    }
  }

  #scalar(v: number): string {
    const name = `scalar:${v}`;
    if (!this.#inits.has(name)) {
      this.g.floatInit(name, [], Float32Array.of(v));
      this.#inits.add(name);
    }
    return name;
  }

  #conv(n: TfNode, ins: string[]): [string, number[]] {
    const [x, s] = this.tensor(ins[0]!);
    const w = this.#const(ins[1]!);
    const depthwise = n.op.includes("Depthwise");
    const [kh = 1, kw = 1, cin = 1, cout = 1] = w.shape;
    const outC = depthwise ? cin * cout : cout;
    const weight = depthwise
      ? depthwiseWeights(w.data, kh, kw, cin, cout)
      : convWeights(w.data, kh, kw, cin, cout);
    const wName = `w:${n.name}`;
    this.g.floatInit(wName, depthwise ? [outC, 1, kh, kw] : [outC, cin, kh, kw], weight);
    const inputs = [x, wName];
    const fused = (n.attr?.["fused_ops"]?.list?.s ?? []).map((b) => atob(b));
    if (fused[0] === "BiasAdd") {
      const b = this.#const(ins[2]!);
      const bName = `b:${n.name}`;
      this.g.floatInit(bName, [outC], b.data);
      inputs.push(bName);
    } else if (fused.length > 0) {
      throw new Error(`Cannot convert CenterNet: fused ops "${fused.join(",")}" of "${n.name}"`);
    }
    const stride = Number(n.attr?.["strides"]?.list?.i?.[1] ?? 1);
    const same = atob(n.attr?.["padding"]?.s ?? "") === "SAME";
    const relu = fused[1] === "Relu";
    if (fused.length > 2 || (fused[1] !== undefined && !relu)) {
      throw new Error(`Cannot convert CenterNet: fused ops "${fused.join(",")}" of "${n.name}"`);
    }
    const convOut = relu ? `${n.name}/conv` : n.name;
    this.g.node("Conv", inputs, [convOut], {
      kernel_shape: [kh, kw],
      strides: [stride, stride],
      group: depthwise ? cin : 1,
      auto_pad: same ? "SAME_UPPER" : "VALID",
    });
    if (relu) this.g.node("Relu", [convOut], [n.name]);
    const [N = 1, , H = 1, W = 1] = s;
    const oh = same ? Math.ceil(H / stride) : Math.floor((H - kh) / stride) + 1;
    const ow = same ? Math.ceil(W / stride) : Math.floor((W - kw) / stride) + 1;
    return [n.name, [N, outC, oh, ow]];
  }
}

/** NHWC axis → NCHW axis. */
function nchwAxis(a: number): number {
  const axis = a < 0 ? a + 4 : a;
  return [0, 2, 3, 1][axis]!;
}

/** TF conv weights [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
function convWeights(
  w: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float32Array {
  const o = new Float32Array(w.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let k = 0; k < cout; k++) {
          o[((k * cin + i) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * cout + k]!;
        }
      }
    }
  }
  return o;
}

/** TF depthwise weights [kh, kw, in, mult] → ONNX [in·mult, 1, kh, kw] (channel i·mult + m). */
function depthwiseWeights(
  w: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  mult: number,
): Float32Array {
  const o = new Float32Array(w.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let m = 0; m < mult; m++) {
          o[((i * mult + m) * kh + y) * kw + x] = w[((y * kw + x) * cin + i) * mult + m]!;
        }
      }
    }
  }
  return o;
}

/** Read the weights of one manifest group (float32, float16-quantised float32, int32). */
function decodeWeights(buf: Uint8Array, specs: WeightSpec[], out: Map<string, Const>): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const q = spec.quantization?.dtype;
    if (q === "float16") {
      for (let i = 0; i < size; i++) data[i] = half(view.getUint16(at + 2 * i, true));
      at += 2 * size;
    } else if (q === undefined && (spec.dtype === "float32" || spec.dtype === "int32")) {
      for (let i = 0; i < size; i++) {
        data[i] = spec.dtype === "int32"
          ? view.getInt32(at + 4 * i, true)
          : view.getFloat32(at + 4 * i, true);
      }
      at += 4 * size;
    } else {
      throw new Error(
        `Cannot read CenterNet weights: "${spec.name}" has dtype "${spec.dtype}"/"${q}"`,
      );
    }
    out.set(spec.name, { data, shape: spec.shape });
  }
  if (at !== buf.length) {
    throw new Error(`Cannot read CenterNet weights: read ${at} of ${buf.length} bytes`);
  }
}

/** IEEE 754 half → number. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
