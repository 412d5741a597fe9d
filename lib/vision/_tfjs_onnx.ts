/**
 * A small tfjs-graph-model → ONNX converter, in TypeScript, for the convolutional parts of the
 * detectors bundled in `@vladmandic/human` (CenterNet, HandTrack). It covers the ops those graphs
 * use between their input and their raw head outputs; anything else throws naming the op.
 *
 * Layout: tfjs graphs are NHWC, ONNX convolutions are NCHW. 4-D tensors are kept NCHW (weights
 * reordered here: HWIO → OIHW, depthwise HWC1 → C1HW with group C); a Reshape out of 4-D goes
 * back to TF order first, and the tensors after it stay in TF order.
 *
 * @module
 */
import type { GraphBuilder } from "../nn/mod.ts";

/** One node of a tfjs graph model. */
export interface TfNode {
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
  quantization?: { dtype: string; min?: number; scale?: number };
}
/** A tfjs `model.json`. */
export interface ModelJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

/** A decoded constant: values (as floats) and TF shape. */
export interface Const {
  data: Float32Array;
  shape: number[];
}

/** A converted tensor: ONNX name, shape, and whether it is NCHW (4-D) or in TF order. */
export interface Converted {
  name: string;
  shape: number[];
  nchw: boolean;
}

/**
 * Read a tfjs graph model: its nodes by name and every weight decoded to floats.
 *
 * @param modelJsonPath Path of `model.json` (weight files beside it).
 * @returns Nodes and constants.
 */
export async function readTfGraph(
  modelJsonPath: string,
): Promise<{ nodes: Map<string, TfNode>; consts: Map<string, Const> }> {
  const json = JSON.parse(await Deno.readTextFile(modelJsonPath)) as ModelJson;
  const dir = modelJsonPath.slice(0, modelJsonPath.lastIndexOf("/") + 1);
  const consts = new Map<string, Const>();
  for (const group of json.weightsManifest) {
    const parts = await Promise.all(group.paths.map((p) => Deno.readFile(dir + p)));
    decodeWeights(concat(parts), group.weights, consts);
  }
  return { nodes: new Map(json.modelTopology.node.map((n) => [n.name, n])), consts };
}

/** Walks a tfjs graph from the wanted outputs, emitting ONNX nodes with static shapes. */
export class TfToOnnx {
  #done = new Map<string, Converted>();
  #inits = new Set<string>();
  /**
   * @param g The ONNX graph being built.
   * @param nodes The tfjs nodes by name.
   * @param consts The tfjs weights by name.
   */
  constructor(
    readonly g: GraphBuilder,
    readonly nodes: Map<string, TfNode>,
    readonly consts: Map<string, Const>,
  ) {}

  /** Say that tfjs tensor `tf` is ONNX tensor `t` (the input, after our own preprocessing). */
  bind(tf: string, t: Converted): void {
    this.#done.set(tf, t);
  }

  /** A constant by name (throws when missing). */
  const(tf: string): Const {
    const c = this.consts.get(tf);
    if (!c) throw new Error(`Cannot convert graph: constant "${tf}" is missing`);
    return c;
  }

  /** A float scalar initializer. */
  scalar(v: number): string {
    const name = `scalar:${v}`;
    if (!this.#inits.has(name)) {
      this.g.floatInit(name, [], Float32Array.of(v));
      this.#inits.add(name);
    }
    return name;
  }

  /** Convert `tf` (and what it depends on). */
  tensor(tf: string): Converted {
    const key = tf.endsWith(":0") ? tf.slice(0, -2) : tf;
    const known = this.#done.get(key);
    if (known) return known;
    const node = this.nodes.get(key);
    if (!node) throw new Error(`Cannot convert graph: node "${key}" is missing`);
    const t = this.#emit(node);
    this.#done.set(key, t);
    return t;
  }

  /** An elementwise operand: a constant (scalar or per-channel) or a converted tensor. */
  #operand(tf: string, nchw: boolean): [string, Converted | null] {
    if (!this.consts.has(tf)) {
      const t = this.tensor(tf);
      return [t.name, t];
    }
    const c = this.const(tf);
    const name = `c:${tf}`;
    const dims = c.data.length === 1 ? [] : nchw ? [c.data.length, 1, 1] : c.shape;
    if (!this.#inits.has(name)) {
      this.g.floatInit(name, dims, c.data);
      this.#inits.add(name);
    }
    return [name, null];
  }

  #emit(n: TfNode): Converted {
    const g = this.g;
    const ins = (n.input ?? []).filter((i) => !i.startsWith("^"));
    const out = n.name;
    const same = (x: Converted): Converted => ({ ...x, name: out });
    switch (n.op) {
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
        const first = this.consts.has(ins[0]!) ? ins[1]! : ins[0]!;
        const nchw = this.tensor(first).nchw;
        const [a, ta] = this.#operand(ins[0]!, nchw);
        const [b, tb] = this.#operand(ins[1]!, nchw);
        const t = ta ?? tb;
        if (!t) throw new Error(`Cannot convert graph: "${out}" has only constants`);
        g.node(n.op === "AddV2" ? "Add" : n.op, [a, b], [out]);
        return same(t);
      }
      case "Relu":
      case "Sigmoid":
      case "Exp": {
        const x = this.tensor(ins[0]!);
        g.node(n.op, [x.name], [out]);
        return same(x);
      }
      case "Relu6": {
        const x = this.tensor(ins[0]!);
        g.node("Clip", [x.name, this.scalar(0), this.scalar(6)], [out]);
        return same(x);
      }
      case "Mean": {
        const x = this.#nchw(ins[0]!);
        const axes = Array.from(this.const(ins[1]!).data, nchwAxis);
        const keep = n.attr?.["keep_dims"]?.b ? 1 : 0;
        g.node("ReduceMean", [x.name], [out], { axes, keepdims: keep });
        const shape = x.shape
          .map((d, i) => axes.includes(i) ? 1 : d)
          .filter((_, i) => keep === 1 || !axes.includes(i));
        return { name: out, shape, nchw: keep === 1 };
      }
      case "ResizeBilinear": {
        const x = this.#nchw(ins[0]!);
        const [h = 0, w = 0] = this.const(ins[1]!).data;
        const align = n.attr?.["align_corners"]?.b === true;
        const halfPixel = n.attr?.["half_pixel_centers"]?.b === true;
        return this.resize(
          x,
          h,
          w,
          "linear",
          align ? "align_corners" : halfPixel ? "half_pixel" : "asymmetric",
          out,
        );
      }
      case "Reshape":
        return this.#reshape(n, ins);
      case "ConcatV2": {
        const parts = ins.slice(0, -1).map((i) => this.tensor(i));
        const nchw = parts.every((p) => p.nchw);
        let axis = this.const(ins[ins.length - 1]!).data[0]!;
        const rank = parts[0]!.shape.length;
        if (axis < 0) axis += rank;
        if (nchw) axis = nchwAxis(axis);
        g.node("Concat", parts.map((p) => p.name), [out], { axis });
        const shape = [...parts[0]!.shape];
        shape[axis] = parts.reduce((sum, p) => sum + p.shape[axis]!, 0);
        return { name: out, shape, nchw };
      }
      default:
        throw new Error(`Cannot convert graph: op "${n.op}" of "${out}" is not supported`);
    }
  }

  /** Emit a Resize of an NCHW tensor to `h × w`. */
  resize(
    x: Converted,
    h: number,
    w: number,
    mode: string,
    transform: string,
    out: string,
  ): Converted {
    const [N = 1, C = 1] = x.shape;
    const sizes = this.g.int64Init(`${out}/sizes`, [N, C, h, w]);
    this.g.node("Resize", [x.name, "", "", sizes], [out], {
      mode,
      coordinate_transformation_mode: transform,
      ...(mode === "nearest" ? { nearest_mode: "floor" } : {}),
    });
    return { name: out, shape: [N, C, h, w], nchw: true };
  }

  #nchw(tf: string): Converted {
    const x = this.tensor(tf);
    if (!x.nchw) throw new Error(`Cannot convert graph: "${tf}" is not a 4-D feature map`);
    return x;
  }

  #reshape(n: TfNode, ins: string[]): Converted {
    const src = this.nodes.get(ins[0]!);
    const inner = src?.op === "Pack" ? this.nodes.get(src.input?.[0] ?? "") : undefined;
    // Object-detection-API nearest-neighbour ×2 upsampling: Reshape(Pack(Pack(x, x), …)).
    if (src?.op === "Pack" && inner?.op === "Pack" && inner.input?.[0] === inner.input?.[1]) {
      const x = this.#nchw(inner.input![0]!);
      return this.resize(x, 2 * x.shape[2]!, 2 * x.shape[3]!, "nearest", "asymmetric", n.name);
    }
    let x = this.tensor(ins[0]!);
    if (x.nchw) {
      const t = this.g.node("Transpose", [x.name], [`${n.name}/nhwc`], { perm: [0, 2, 3, 1] });
      const [N = 1, C = 1, H = 1, W = 1] = x.shape;
      x = { name: t, shape: [N, H, W, C], nchw: false };
    }
    const target = Array.from(this.const(ins[1]!).data);
    const total = x.shape.reduce((a, b) => a * b, 1);
    const known = target.reduce((a, b) => b === -1 ? a : a * b, 1);
    const shape = target.map((d) => d === -1 ? total / known : d);
    const s = this.g.int64Init(`${n.name}/shape`, shape);
    this.g.node("Reshape", [x.name, s], [n.name]);
    return { name: n.name, shape, nchw: false };
  }

  #conv(n: TfNode, ins: string[]): Converted {
    const x = this.#nchw(ins[0]!);
    const w = this.const(ins[1]!);
    const depthwise = n.op.includes("Depthwise");
    const [kh = 1, kw = 1, cin = 1, cout = 1] = w.shape;
    const outC = depthwise ? cin * cout : cout;
    const weight = depthwise
      ? depthwiseWeights(w.data, kh, kw, cin, cout)
      : convWeights(w.data, kh, kw, cin, cout);
    const wName = `w:${n.name}`;
    this.g.floatInit(wName, depthwise ? [outC, 1, kh, kw] : [outC, cin, kh, kw], weight);
    const inputs = [x.name, wName];
    const fused = (n.attr?.["fused_ops"]?.list?.s ?? []).map((b) => atob(b));
    const act = fused[1];
    if (
      (fused.length > 0 && fused[0] !== "BiasAdd") || fused.length > 2 ||
      (act !== undefined && act !== "Relu" && act !== "Relu6")
    ) {
      throw new Error(`Cannot convert graph: fused ops "${fused.join(",")}" of "${n.name}"`);
    }
    if (fused[0] === "BiasAdd") {
      const bName = `b:${n.name}`;
      this.g.floatInit(bName, [outC], this.const(ins[2]!).data);
      inputs.push(bName);
    }
    const stride = Number(n.attr?.["strides"]?.list?.i?.[1] ?? 1);
    const dilation = Number(n.attr?.["dilations"]?.list?.i?.[1] ?? 1);
    if (dilation !== 1) throw new Error(`Cannot convert graph: dilated conv "${n.name}"`);
    const same = atob(n.attr?.["padding"]?.s ?? "") === "SAME";
    const convOut = act ? `${n.name}/conv` : n.name;
    this.g.node("Conv", inputs, [convOut], {
      kernel_shape: [kh, kw],
      strides: [stride, stride],
      group: depthwise ? cin : 1,
      auto_pad: same ? "SAME_UPPER" : "VALID",
    });
    if (act === "Relu") this.g.node("Relu", [convOut], [n.name]);
    if (act === "Relu6") this.g.node("Clip", [convOut, this.scalar(0), this.scalar(6)], [n.name]);
    const [N = 1, , H = 1, W = 1] = x.shape;
    const oh = same ? Math.ceil(H / stride) : Math.floor((H - kh) / stride) + 1;
    const ow = same ? Math.ceil(W / stride) : Math.floor((W - kw) / stride) + 1;
    return { name: n.name, shape: [N, outC, oh, ow], nchw: true };
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

/** Read the weights of one manifest group (float32, float16/uint8-quantised float32, int32). */
function decodeWeights(buf: Uint8Array, specs: WeightSpec[], out: Map<string, Const>): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    const q = spec.quantization;
    if (q?.dtype === "float16") {
      for (let i = 0; i < size; i++) data[i] = half(view.getUint16(at + 2 * i, true));
      at += 2 * size;
    } else if (q?.dtype === "uint8") {
      const min = q.min ?? 0;
      const scale = q.scale ?? 1;
      for (let i = 0; i < size; i++) data[i] = min + scale * buf[at + i]!;
      at += size;
    } else if (q === undefined && (spec.dtype === "float32" || spec.dtype === "int32")) {
      for (let i = 0; i < size; i++) {
        data[i] = spec.dtype === "int32"
          ? view.getInt32(at + 4 * i, true)
          : view.getFloat32(at + 4 * i, true);
      }
      at += 4 * size;
    } else {
      throw new Error(
        `Cannot read graph weights: "${spec.name}" has dtype "${spec.dtype}"/"${q?.dtype}"`,
      );
    }
    out.set(spec.name, { data, shape: spec.shape });
  }
  if (at !== buf.length) {
    throw new Error(`Cannot read graph weights: read ${at} of ${buf.length} bytes`);
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
