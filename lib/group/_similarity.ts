/**
 * Small, allocation-free similarity helpers for grouping (hot loops).
 *
 * @module
 */

/** Number of set bits in a 32-bit integer. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance of two 64-bit hashes given as [hi, lo] uint32 halves. */
export function hamming64(a: readonly [number, number], b: readonly [number, number]): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}

/** Dot product (cosine for L2-normalised vectors) of two equal-length vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/** Disjoint sets over 0..n-1 with path halving and union by size. */
export class UnionFind {
  readonly #parent: Int32Array;
  readonly #size: Int32Array;

  /** @param n Number of elements. */
  constructor(n: number) {
    this.#parent = new Int32Array(n);
    this.#size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.#parent[i] = i;
  }

  /** Representative of `x`'s set. */
  find(x: number): number {
    const p = this.#parent;
    while (p[x]! !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }

  /** Merge the sets of `a` and `b`; true when they were separate. */
  union(a: number, b: number): boolean {
    let ra = this.find(a), rb = this.find(b);
    if (ra === rb) return false;
    if (this.#size[ra]! < this.#size[rb]!) [ra, rb] = [rb, ra];
    this.#parent[rb] = ra;
    this.#size[ra] = this.#size[ra]! + this.#size[rb]!;
    return true;
  }

  /** The sets with more than `minSize - 1` members, each sorted ascending. */
  sets(minSize = 1): number[][] {
    const by = new Map<number, number[]>();
    for (let i = 0; i < this.#parent.length; i++) {
      const r = this.find(i);
      let list = by.get(r);
      if (list === undefined) by.set(r, list = []);
      list.push(i);
    }
    return [...by.values()].filter((s) => s.length >= minSize);
  }
}
