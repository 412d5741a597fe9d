/**
 * A tiny ONNX graph builder on `onnx-proto` (IR version 8, opset 15): named
 * float inputs/outputs, initializers and nodes, encoded to model bytes.
 *
 * @module
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** IR version written into every model (ORT 1.x reads ≤ 10; we stay at 8). */
export const IR_VERSION = 8;
/** Default-domain opset every graph imports. */
export const OPSET = 15;

/** A node attribute value. */
export type AttrValue = number | number[] | string;

/** Builds one ONNX graph. */
export class GraphBuilder {
  #nodes: unknown[] = [];
  #inputs: unknown[] = [];
  #outputs: unknown[] = [];
  #inits: unknown[] = [];
  #counter = 0;

  /** @param name Graph name (kept in the model). */
  constructor(readonly name: string) {}

  /** Declare a float input; `null` dims are symbolic (`N`). */
  input(name: string, dims: (number | null)[]): string {
    this.#inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Declare a float output. */
  output(name: string, dims: (number | null)[]): void {
    this.#outputs.push(valueInfo(name, dims));
  }

  /** A float constant baked into the graph. */
  floatInit(name: string, dims: number[], data: Float32Array): string {
    this.#inits.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: new Uint8Array(
          data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        ),
      }),
    );
    return name;
  }

  /** An int64 constant (axes, shapes). */
  int64Init(name: string, values: number[]): string {
    this.#inits.push(
      onnx.TensorProto.create({
        name,
        dims: [values.length],
        dataType: onnx.TensorProto.DataType.INT64,
        int64Data: values,
      }),
    );
    return name;
  }

  /** Add a node; returns its first output name (generated when not given). */
  node(
    op: string,
    inputs: string[],
    outputs?: string[],
    attrs: Record<string, AttrValue> = {},
  ): string {
    const outs = outputs ?? [`${op.toLowerCase()}_${this.#counter++}`];
    const attribute = Object.entries(attrs).map(([name, v]) => attr(name, v));
    this.#nodes.push(
      onnx.NodeProto.create({
        opType: op,
        input: inputs,
        output: outs,
        attribute: attribute as never,
      }),
    );
    return outs[0] as string;
  }

  /** Encode the model. */
  toBytes(): Uint8Array {
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.#nodes as never,
      input: this.#inputs as never,
      output: this.#outputs as never,
      initializer: this.#inits as never,
    });
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: "keeper",
      opsetImport: [{ domain: "", version: OPSET }],
      graph,
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, dims: (number | null)[]): unknown {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: {
          dim: dims.map((d, i) => d === null ? { dimParam: `d${i}` } : { dimValue: d }),
        },
      },
    },
  });
}

function attr(name: string, v: AttrValue): unknown {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === "string") {
    return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(v) });
  }
  if (Array.isArray(v)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: v });
  if (Number.isInteger(v)) return onnx.AttributeProto.create({ name, type: T.INT, i: v });
  return onnx.AttributeProto.create({ name, type: T.FLOAT, f: v });
}
