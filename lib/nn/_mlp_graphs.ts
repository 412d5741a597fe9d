/**
 * ONNX graphs for a ReLU MLP: the training forward pass (keeping hidden
 * activations), the explicit backward pass, and the self-contained inference
 * graph with input normalisation and weights baked in.
 *
 * @module
 */
import { GraphBuilder } from "./_graph.ts";

/** Layer widths `[in, hidden..., out]`. */
export type Layers = readonly number[];

/** `W{l}` / `b{l}` parameter names. */
export function paramNames(layers: Layers): string[] {
  const names: string[] = [];
  for (let l = 0; l < layers.length - 1; l++) names.push(`W${l}`, `b${l}`);
  return names;
}

/** Forward graph: inputs X + params; outputs Y and H1..H(k-1) (post-ReLU). */
export function buildForward(layers: Layers): Uint8Array {
  const g = new GraphBuilder("mlp_forward");
  const k = layers.length - 1;
  let a = g.input("X", [null, layers[0]!]);
  for (let l = 0; l < k; l++) {
    g.input(`W${l}`, [layers[l]!, layers[l + 1]!]);
    g.input(`b${l}`, [layers[l + 1]!]);
  }
  for (let l = 0; l < k; l++) {
    const z = g.node("Gemm", [a, `W${l}`, `b${l}`], [l === k - 1 ? "Y" : `Z${l + 1}`]);
    if (l < k - 1) {
      a = g.node("Relu", [z], [`H${l + 1}`]);
      g.output(a, [null, layers[l + 1]!]);
    }
  }
  g.output("Y", [null, layers[k]!]);
  return g.toBytes();
}

/**
 * Backward graph: inputs X, H1..H(k-1), W1..W(k-1), dY; outputs gW{l}, gb{l}.
 * ReLU's derivative is `Sign(H)` because H ≥ 0.
 */
export function buildBackward(layers: Layers): Uint8Array {
  const g = new GraphBuilder("mlp_backward");
  const k = layers.length - 1;
  g.input("X", [null, layers[0]!]);
  for (let l = 1; l < k; l++) g.input(`H${l}`, [null, layers[l]!]);
  for (let l = 1; l < k; l++) g.input(`W${l}`, [layers[l]!, layers[l + 1]!]);
  g.input("dY", [null, layers[k]!]);
  const axes = g.int64Init("axes0", [0]);
  let dz = "dY";
  for (let l = k - 1; l >= 0; l--) {
    const a = l === 0 ? "X" : `H${l}`;
    g.node("Gemm", [a, dz], [`gW${l}`], { transA: 1 });
    g.node("ReduceSum", [dz, axes], [`gb${l}`], { keepdims: 0 });
    g.output(`gW${l}`, [layers[l]!, layers[l + 1]!]);
    g.output(`gb${l}`, [layers[l + 1]!]);
    if (l > 0) {
      const da = g.node("Gemm", [dz, `W${l}`], undefined, { transB: 1 });
      const mask = g.node("Sign", [`H${l}`]);
      dz = g.node("Mul", [da, mask]);
    }
  }
  return g.toBytes();
}

/** Inference graph: `Y = MLP((X - mean) * invStd)` with weights baked in. */
export function buildInference(
  layers: Layers,
  params: Float32Array[],
  mean: Float32Array,
  invStd: Float32Array,
): Uint8Array {
  const g = new GraphBuilder("mlp_inference");
  const k = layers.length - 1;
  g.input("X", [null, layers[0]!]);
  g.floatInit("mean", [layers[0]!], mean);
  g.floatInit("inv_std", [layers[0]!], invStd);
  let a = g.node("Mul", [g.node("Sub", ["X", "mean"]), "inv_std"]);
  for (let l = 0; l < k; l++) {
    g.floatInit(`W${l}`, [layers[l]!, layers[l + 1]!], params[2 * l]!);
    g.floatInit(`b${l}`, [layers[l + 1]!], params[2 * l + 1]!);
    const z = g.node("Gemm", [a, `W${l}`, `b${l}`], l === k - 1 ? ["Y"] : undefined);
    if (l < k - 1) a = g.node("Relu", [z]);
  }
  g.output("Y", [null, layers[k]!]);
  return g.toBytes();
}
