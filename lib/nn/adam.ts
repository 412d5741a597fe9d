/**
 * Adam with decoupled weight decay (AdamW), updating Float32Array
 * parameters in place. Runs in TypeScript: one pass per tensor per step.
 *
 * @module
 */

/** Options for {@linkcode Adam}. */
export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay per step, scaled by lr (AdamW). */
  weightDecay?: number;
  /** Which parameter indices get weight decay (default: all). */
  decayMask?: boolean[];
}

const defaults = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  decayMask: [],
} satisfies Required<AdamOptions>;

/**
 * AdamW optimiser state over a list of parameter tensors.
 *
 * @example
 * ```ts
 * declare const w: Float32Array, grad: Float32Array;
 * const opt = new Adam([w], { lr: 0.01 });
 * opt.step([w], [grad]);
 * ```
 */
export class Adam {
  #m: Float32Array[];
  #v: Float32Array[];
  #t = 0;
  #o: Required<AdamOptions>;

  /** @param params Tensors to optimise. @param options Hyper-parameters. */
  constructor(params: Float32Array[], options: AdamOptions = {}) {
    this.#o = { ...defaults, ...options };
    this.#m = params.map((p) => new Float32Array(p.length));
    this.#v = params.map((p) => new Float32Array(p.length));
  }

  /** Current learning rate (settable for schedules). */
  get lr(): number {
    return this.#o.lr;
  }
  set lr(value: number) {
    this.#o.lr = value;
  }

  /** Apply one update: `params[i] -= lr * (mhat / (sqrt(vhat) + eps) + wd * p)`. */
  step(params: Float32Array[], grads: Float32Array[]): void {
    this.#t++;
    const { lr, beta1, beta2, eps, weightDecay, decayMask } = this.#o;
    const c1 = 1 / (1 - beta1 ** this.#t);
    const c2 = 1 / (1 - beta2 ** this.#t);
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!, g = grads[i]!, m = this.#m[i]!, v = this.#v[i]!;
      if (g.length !== p.length) {
        throw new RangeError(
          `Cannot step Adam: gradient ${i} has "${g.length}" values, parameter has "${p.length}"`,
        );
      }
      const wd = (decayMask[i] ?? true) ? weightDecay : 0;
      adamKernel(p, g, m, v, { beta1, beta2, c1, c2, lr, eps, wd });
    }
  }
}

interface KernelConstants {
  beta1: number;
  beta2: number;
  c1: number;
  c2: number;
  lr: number;
  eps: number;
  wd: number;
}

// One monomorphic loop over plain Float32Arrays, which V8 compiles to
// straight-line float code. The arithmetic is kept exactly as the textbook
// formula (same rounding as before the loop was split out), so a run is
// reproducible across this refactor.
function adamKernel(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  k: KernelConstants,
): void {
  const { beta1, beta2, c1, c2, lr, eps, wd } = k;
  const n = p.length;
  for (let j = 0; j < n; j++) {
    const gj = g[j]!;
    const mj = beta1 * m[j]! + (1 - beta1) * gj;
    const vj = beta2 * v[j]! + (1 - beta2) * gj * gj;
    m[j] = mj;
    v[j] = vj;
    p[j] = p[j]! - lr * ((mj * c1) / (Math.sqrt(vj * c2) + eps) + wd * p[j]!);
  }
}
