/**
 * NumPy `.npy` files as the original tool wrote its CLIP embeddings
 * (`np.save(path, vector)`): format versions 1-3, little-endian float32 or
 * float16, one vector of shape `(D,)` or `(1, D)`. Anything else is refused
 * with a reason code, never guessed at.
 *
 * @module
 */

/** Why a `.npy` file was refused (a stable reason code for counts and rejection files). */
export type NpyReason =
  | "npy_bad_magic"
  | "npy_version"
  | "npy_bad_header"
  | "npy_dtype"
  | "npy_shape"
  | "npy_truncated"
  | "npy_trailing_bytes";

/** A `.npy` file that cannot be read as one embedding. */
export class NpyError extends Error {
  /** Reason code, e.g. `npy_dtype`. */
  readonly reason: NpyReason;
  /**
   * @param reason Reason code.
   * @param message Human text ("Cannot read .npy: …").
   */
  constructor(reason: NpyReason, message: string) {
    super(message);
    this.name = "NpyError";
    this.reason = reason;
  }
}

/** Options for {@linkcode readNpyVector}. */
export interface ReadNpyOptions {
  /** Required vector length (the `D` of `(D,)` / `(1, D)`). */
  dim?: number;
}

const readDefaults = { dim: 512 } satisfies Required<ReadNpyOptions>;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Half-precision bits → number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Decode one embedding vector from `.npy` bytes.
 *
 * @param bytes The whole file.
 * @param options Expected dimension (default 512).
 * @returns The vector as float32 (float16 files are widened).
 * @throws {NpyError} With a reason code when the file is not one LE float vector of `dim`.
 * @example
 * ```ts
 * const v = readNpyVector(await Deno.readFile("data/ai_data/embeddings/0a1b2c3d4e5f6a7b.npy"));
 * v.length; // 512
 * ```
 */
export function readNpyVector(bytes: Uint8Array, options: ReadNpyOptions = {}): Float32Array {
  const { dim } = { ...readDefaults, ...options };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError("npy_bad_magic", "Cannot read .npy: no \\x93NUMPY magic");
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError("npy_truncated", "Cannot read .npy: header cut off");
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw new NpyError("npy_version", `Cannot read .npy: format version ${major} (known: 1, 2, 3)`);
  }
  if (start + headerLen > bytes.length) {
    throw new NpyError("npy_truncated", "Cannot read .npy: header cut off");
  }
  // Version 3 allows UTF-8 in the header; 1 and 2 are Latin-1 (ASCII in practice).
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLen),
  );
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(
      "npy_bad_header",
      `Cannot read .npy: header ${JSON.stringify(header.trim())} lacks descr/fortran_order/shape`,
    );
  }
  // float32 or float16, little-endian ('<'; '|' and '=' are not valid for floats on LE writers).
  const itemSize = descr === "<f4" ? 4 : descr === "<f2" ? 2 : 0;
  if (itemSize === 0) {
    throw new NpyError(
      "npy_dtype",
      `Cannot read .npy: dtype "${descr}" (valid: "<f4" float32, "<f2" float16, little-endian)`,
    );
  }
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const ok = (shape.length === 1 && shape[0] === dim) ||
    (shape.length === 2 && shape[0] === 1 && shape[1] === dim);
  if (!ok) {
    throw new NpyError(
      "npy_shape",
      `Cannot read .npy: shape (${shape.join(", ")}) (valid: (${dim},) or (1, ${dim}))`,
    );
  }
  // With one of the two dimensions equal to 1, Fortran and C order hold the same bytes.
  const dataStart = start + headerLen;
  const need = dim * itemSize;
  const have = bytes.length - dataStart;
  if (have < need) {
    throw new NpyError("npy_truncated", `Cannot read .npy: ${have} data bytes, need ${need}`);
  }
  if (have > need) {
    throw new NpyError(
      "npy_trailing_bytes",
      `Cannot read .npy: ${have - need} bytes after the ${dim} values`,
    );
  }
  const out = new Float32Array(dim);
  if (itemSize === 4) {
    for (let i = 0; i < dim; i++) out[i] = view.getFloat32(dataStart + 4 * i, true);
  } else {
    for (let i = 0; i < dim; i++) out[i] = halfToFloat(view.getUint16(dataStart + 2 * i, true));
  }
  return out;
}

/** Options for {@linkcode writeNpyVector}. */
export interface WriteNpyOptions {
  /** Format version (1, 2 or 3). */
  version?: 1 | 2 | 3;
  /** Element type. */
  dtype?: "<f4" | "<f2";
  /** `(D,)` as `np.save(v)` writes, or `(1, D)` as saving a batch of one. */
  shape?: "vector" | "row";
}

const writeDefaults = {
  version: 1,
  dtype: "<f4",
  shape: "vector",
} satisfies Required<WriteNpyOptions>;

/** number → half-precision bits (round to nearest even). */
function floatToHalf(v: number): number {
  const f32 = new Float32Array([v]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const e = ((x >>> 23) & 0xff) - 127 + 15;
  let m = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (m ? 0x200 : 0);
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    m |= 0x800000;
    const shift = 14 - e;
    let h = m >> shift;
    const rem = m & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (m >> 13);
  const rem = m & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}

/**
 * Encode one vector as a `.npy` file exactly as NumPy lays it out (header
 * padded with spaces to a 64-byte boundary, ending in `\n`).
 *
 * @param v The vector (written raw: no normalisation).
 * @param options Version, dtype, shape.
 * @returns The file bytes.
 * @example
 * ```ts
 * await Deno.writeFile("a.npy", writeNpyVector(new Float32Array(512)));
 * ```
 */
export function writeNpyVector(v: Float32Array, options: WriteNpyOptions = {}): Uint8Array {
  const o = { ...writeDefaults, ...options };
  const shape = o.shape === "row" ? `(1, ${v.length})` : `(${v.length},)`;
  const dict = `{'descr': '${o.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pre = o.version === 1 ? 10 : 12;
  // NumPy ≥ 1.23 leaves room for the first axis to grow (21 digits), then pads to 64 bytes.
  const first = o.shape === "row" ? "1" : String(v.length);
  const grown = dict + " ".repeat(21 - first.length);
  const pad = 64 - ((pre + grown.length + 1) % 64);
  const header = new TextEncoder().encode(grown + " ".repeat(pad % 64) + "\n");
  const itemSize = o.dtype === "<f4" ? 4 : 2;
  const out = new Uint8Array(pre + header.length + v.length * itemSize);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = o.version;
  out[7] = 0;
  if (o.version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, pre);
  const at = pre + header.length;
  for (let i = 0; i < v.length; i++) {
    if (itemSize === 4) view.setFloat32(at + 4 * i, v[i]!, true);
    else view.setUint16(at + 2 * i, floatToHalf(v[i]!), true);
  }
  return out;
}
