/**
 * Read an inference MLP back from its ONNX bytes and run it in TypeScript,
 * for synchronous scoring of a handful of rows (a group of 2-6 images).
 *
 * @module
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** Weights of an inference MLP as stored in its ONNX file. */
export interface DenseMlp {
  layers: number[];
  mean: Float32Array;
  invStd: Float32Array;
  params: Float32Array[];
}

function tensorFloats(
  t: { rawData?: Uint8Array | null; floatData?: number[] | null },
): Float32Array {
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData); // a fresh, aligned copy (protobufjs may hand a Buffer view)
    return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/**
 * Decode the weights of a model written by `Mlp.toOnnx()`.
 *
 * @param bytes ONNX bytes.
 * @returns Layer widths, normalisation and parameters.
 * @example
 * ```ts
 * const dense = readOnnxMlp(await Deno.readFile("ranker.onnx"));
 * ```
 */
export function readOnnxMlp(bytes: Uint8Array): DenseMlp {
  const model = onnx.ModelProto.decode(bytes);
  const inits = new Map<string, { dims: number[]; data: Float32Array }>();
  for (const t of model.graph?.initializer ?? []) {
    inits.set(t.name ?? "", { dims: (t.dims ?? []).map(Number), data: tensorFloats(t) });
  }
  const mean = inits.get("mean"), invStd = inits.get("inv_std");
  if (!mean || !invStd) throw new TypeError('Cannot read MLP: ONNX has no "mean"/"inv_std"');
  const layers: number[] = [mean.data.length];
  const params: Float32Array[] = [];
  for (let l = 0; inits.has(`W${l}`); l++) {
    const w = inits.get(`W${l}`)!, b = inits.get(`b${l}`);
    if (!b) throw new TypeError(`Cannot read MLP: missing "b${l}"`);
    layers.push(w.dims[1]!);
    params.push(w.data, b.data);
  }
  return { layers, mean: mean.data, invStd: invStd.data, params };
}

/**
 * Forward pass in TypeScript (same math as the ONNX inference graph).
 *
 * @param mlp Weights from {@linkcode readOnnxMlp}.
 * @param x Raw rows `[n, in]`.
 * @param n Row count.
 * @returns Outputs `[n, out]`.
 * @example
 * ```ts
 * declare const dense: Parameters<typeof denseForward>[0], x: Float32Array;
 * const y = denseForward(dense, x, 1);
 * ```
 */
export function denseForward(mlp: DenseMlp, x: Float32Array, n: number): Float32Array {
  const d0 = mlp.layers[0]!;
  let a = new Float32Array(n * d0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d0; j++) {
      a[i * d0 + j] = (x[i * d0 + j]! - mlp.mean[j]!) * mlp.invStd[j]!;
    }
  }
  const k = mlp.layers.length - 1;
  for (let l = 0; l < k; l++) {
    const din = mlp.layers[l]!, dout = mlp.layers[l + 1]!;
    const w = mlp.params[2 * l]!, b = mlp.params[2 * l + 1]!;
    const z = new Float32Array(n * dout);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < dout; o++) z[i * dout + o] = b[o]!;
      for (let j = 0; j < din; j++) {
        const v = a[i * din + j]!;
        if (v === 0) continue;
        const row = j * dout;
        for (let o = 0; o < dout; o++) z[i * dout + o] = z[i * dout + o]! + v * w[row + o]!;
      }
      if (l < k - 1) {
        for (let o = 0; o < dout; o++) z[i * dout + o] = Math.max(0, z[i * dout + o]!);
      }
    }
    a = z;
  }
  return a;
}
