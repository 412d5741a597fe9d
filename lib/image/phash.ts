/**
 * 64-bit DCT perceptual hash (same construction and bit order as npm
 * `sharp-phash`: 32×32 grey, 2-D DCT-II, the 8×8 lowest frequencies without
 * DC, each bit = coefficient > mean) and Hamming distance on two uint32
 * halves (no BigInt in hot loops).
 *
 * @module
 */

const N = 32;
const LOW = 8;
/** COS[i * LOW + (u - 1)] = cos((2i + 1) u π / 2N) for u in 1..8. */
const COS = (() => {
  const c = new Float64Array(N * LOW);
  for (let i = 0; i < N; i++) {
    for (let u = 1; u <= LOW; u++) {
      c[i * LOW + u - 1] = Math.cos(((2 * i + 1) / (2 * N)) * u * Math.PI);
    }
  }
  return c;
})();

/**
 * pHash of a 32×32 grey image (row-major, 1024 values).
 *
 * @param grey 1024 grey values (any numeric scale).
 * @returns `[hi, lo]` uint32 halves; bit 31 of `hi` is the first bit.
 * @example
 * ```ts
 * const [hi, lo] = phashFromGrey32(new Float32Array(1024));
 * ```
 */
export function phashFromGrey32(grey: ArrayLike<number>): [number, number] {
  if (grey.length !== N * N) {
    throw new RangeError(`Cannot compute pHash: expected 1024 values, got ${grey.length}`);
  }
  // Separable DCT: rows first (over x, frequency u), then columns (over y, frequency v).
  const rowT = new Float64Array(N * LOW); // [y][u]
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += COS[x * LOW + u]! * (grey[y * N + x] as number);
      rowT[y * LOW + u] = s;
    }
  }
  const coef = new Float64Array(LOW * LOW); // index u * 8 + v (sharp-phash order)
  let sum = 0;
  for (let u = 0; u < LOW; u++) {
    for (let v = 0; v < LOW; v++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += COS[y * LOW + v]! * rowT[y * LOW + u]!;
      coef[u * LOW + v] = s;
      sum += s;
    }
  }
  const avg = sum / (LOW * LOW);
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < 64; k++) {
    const bit = coef[k]! > avg ? 1 : 0;
    if (k < 32) hi = (hi << 1) | bit;
    else lo = (lo << 1) | bit;
  }
  return [hi >>> 0, lo >>> 0];
}

/**
 * Area-average an RGB (or grey) image down to 32×32 luma (Rec. 601 weights).
 *
 * @param data Interleaved pixels.
 * @param size Width, height and channels.
 * @returns 1024 grey values.
 * @example
 * ```ts
 * declare const rgb: { data: Uint8Array; width: number; height: number; channels: number };
 * const g = grey32(rgb.data, rgb);
 * ```
 */
export function grey32(
  data: Uint8Array,
  size: { width: number; height: number; channels: number },
): Float32Array {
  const { width, height, channels } = size;
  const out = new Float32Array(N * N);
  const cnt = new Float32Array(N * N);
  for (let y = 0; y < height; y++) {
    const oy = Math.min(N - 1, Math.floor((y * N) / height));
    for (let x = 0; x < width; x++) {
      const ox = Math.min(N - 1, Math.floor((x * N) / width));
      const i = (y * width + x) * channels;
      const l = channels >= 3
        ? 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!
        : data[i]!;
      out[oy * N + ox]! += l;
      cnt[oy * N + ox]! += 1;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = cnt[k]! > 0 ? out[k]! / cnt[k]! : 0;
  return out;
}

function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Hamming distance between two 64-bit hashes given as `[hi, lo]` halves.
 *
 * @param a First hash.
 * @param b Second hash.
 * @returns Number of differing bits (0-64).
 * @example
 * ```ts
 * hammingDistance64([0, 1], [0, 3]); // 1
 * ```
 */
export function hammingDistance64(
  a: readonly [number, number],
  b: readonly [number, number],
): number {
  return popcount32((a[0] ^ b[0]) >>> 0) + popcount32((a[1] ^ b[1]) >>> 0);
}

/**
 * Convert a 64-character "0"/"1" string (sharp-phash output) to halves.
 *
 * @param bits 64 characters.
 * @returns `[hi, lo]`.
 * @example
 * ```ts
 * phashFromBitString("1".repeat(64)); // [4294967295, 4294967295]
 * ```
 */
export function phashFromBitString(bits: string): [number, number] {
  if (!/^[01]{64}$/.test(bits)) {
    throw new SyntaxError(`Cannot parse pHash: expected 64 bits, got "${bits}"`);
  }
  return [parseInt(bits.slice(0, 32), 2) >>> 0, parseInt(bits.slice(32), 2) >>> 0];
}

/**
 * The 64 pHash bits as 0/1 floats (first bit first), for a feature block.
 *
 * @param hash `[hi, lo]`.
 * @returns 64 values.
 * @example
 * ```ts
 * phashBits([0x80000000, 0])[0]; // 1
 * ```
 */
export function phashBits(hash: readonly [number, number]): Float32Array {
  const out = new Float32Array(64);
  for (let k = 0; k < 64; k++) {
    const word = k < 32 ? hash[0] : hash[1];
    out[k] = (word >>> (31 - (k % 32))) & 1;
  }
  return out;
}
