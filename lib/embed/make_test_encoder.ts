/**
 * Generated ONNX image encoders with CLIP's I/O signature
 * (`image: [N, 3, S, S]` → `embedding: [N, dim]`) for tests, demos and the
 * pipeline benchmark. Weights are drawn from a seeded RNG, so a different
 * seed is a different model (different bytes, different cache identity).
 *
 * @module
 */
import onnxProto from "onnx-proto";
import { CLIP_DEFAULTS, type EncoderConfig } from "./encoder_config.ts";
import { mulberry32 } from "../random/mod.ts";

const { onnx } = onnxProto;

/** Options for {@linkcode makeTestEncoder}. */
export interface MakeTestEncoderOptions {
  /** "tiny" (pooled colour layout → linear, ~100 KB) or "vit_b32" (ViT-B/32's MAC count, ~40 MB). */
  kind?: "tiny" | "vit_b32";
  /** Input side (multiple of 32 for "vit_b32", of 4 for "tiny"). */
  inputSize?: number;
  /** Output dimension. */
  dim?: number;
  /** RNG seed. */
  seed?: number;
}

const defaults = {
  kind: "tiny",
  inputSize: 224,
  dim: 512,
  seed: 1,
} satisfies Required<MakeTestEncoderOptions>;

class Graph {
  nodes: unknown[] = [];
  inits: unknown[] = [];
  #n = 0;
  #rand: () => number;
  constructor(seed: number) {
    this.#rand = mulberry32(seed);
  }
  weight(name: string, dims: number[], std: number): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = (this.#rand() * 2 - 1) * std * Math.sqrt(3);
    this.inits.push(onnx.TensorProto.create({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      rawData: new Uint8Array(data.buffer),
    }));
    return name;
  }
  ints(name: string, values: number[]): string {
    this.inits.push(onnx.TensorProto.create({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: values,
    }));
    return name;
  }
  node(op: string, inputs: string[], attrs: Record<string, number | number[]> = {}, out?: string) {
    const name = out ?? `${op.toLowerCase()}_${this.#n++}`;
    const attribute = Object.entries(attrs).map(([k, v]) =>
      Array.isArray(v)
        ? { name: k, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
        : { name: k, type: onnx.AttributeProto.AttributeType.INT, i: v }
    );
    this.nodes.push(
      onnx.NodeProto.create({ opType: op, input: inputs, output: [name], attribute }),
    );
    return name;
  }
}

function valueInfo(name: string, dims: (number | string)[]): unknown {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: dims.map((d) => typeof d === "string" ? { dimParam: d } : { dimValue: d }),
        },
      },
    },
  });
}

/**
 * Build a generated encoder and the config that describes it.
 *
 * @param options Kind, input side, dimension, seed.
 * @returns ONNX model bytes and a matching {@linkcode EncoderConfig}.
 * @example
 * ```ts
 * const { bytes, config } = makeTestEncoder({ seed: 7 });
 * await Deno.writeFile("enc.onnx", bytes);
 * await Deno.writeTextFile("enc.json", JSON.stringify(config));
 * ```
 */
export function makeTestEncoder(
  options: MakeTestEncoderOptions = {},
): { bytes: Uint8Array; config: EncoderConfig } {
  const opts = { ...defaults, ...options };
  const s = opts.inputSize;
  const g = new Graph(opts.seed);
  let x = "image";
  if (opts.kind === "tiny") {
    if (s % 4 !== 0) {
      throw new RangeError(`Cannot build encoder: input size ${s} is not a multiple of 4`);
    }
    const k = s / 4;
    x = g.node("AveragePool", [x], { kernel_shape: [k, k], strides: [k, k] });
    x = g.node("Flatten", [x], { axis: 1 });
    x = g.node("MatMul", [x, g.weight("proj", [48, opts.dim], 1)], {}, "embedding");
  } else {
    if (s % 32 !== 0) {
      throw new RangeError(`Cannot build encoder: input size ${s} is not a multiple of 32`);
    }
    const d = 768;
    const tokens = (s / 32) ** 2;
    x = g.node("Conv", [x, g.weight("patch", [d, 3, 32, 32], 1 / Math.sqrt(3072))], {
      kernel_shape: [32, 32],
      strides: [32, 32],
    });
    x = g.node("Reshape", [x, g.ints("shape", [0, d, tokens])]);
    x = g.node("Transpose", [x], { perm: [0, 2, 1] });
    // Weights are shared by the 12 blocks (small file, same arithmetic as ViT-B/32).
    const wqkv = g.weight("wqkv", [d, 3 * d], 1 / Math.sqrt(d));
    const wo = g.weight("wo", [d, d], 0.5 / Math.sqrt(d));
    const w1 = g.weight("w1", [d, 4 * d], 1 / Math.sqrt(d));
    const w2 = g.weight("w2", [4 * d, d], 0.25 / Math.sqrt(4 * d));
    const starts = g.ints("starts", [0]);
    const ends = g.ints("ends", [d]);
    const axes = g.ints("axes", [2]);
    for (let layer = 0; layer < 12; layer++) {
      const qkv = g.node("MatMul", [x, wqkv]);
      const q = g.node("Slice", [qkv, starts, ends, axes]);
      x = g.node("Add", [x, g.node("MatMul", [q, wo])]);
      const h = g.node("Relu", [g.node("MatMul", [x, w1])]);
      x = g.node("Add", [x, g.node("MatMul", [h, w2])]);
    }
    x = g.node("ReduceMean", [x], { axes: [1], keepdims: 0 });
    x = g.node("MatMul", [x, g.weight("proj", [d, opts.dim], 1 / Math.sqrt(d))], {}, "embedding");
  }
  const graph = onnx.GraphProto.create({
    name: `keeper_test_encoder_${opts.kind}`,
    node: g.nodes as never,
    input: [valueInfo("image", ["N", 3, s, s])] as never,
    output: [valueInfo("embedding", ["N", opts.dim])] as never,
    initializer: g.inits as never,
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "keeper",
    opsetImport: [{ domain: "", version: 15 }],
    graph,
  });
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    config: { ...CLIP_DEFAULTS, input_size: s, dim: opts.dim },
  };
}
