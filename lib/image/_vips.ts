/**
 * Direct libvips calls (Deno FFI into the libvips that sharp has already
 * loaded) for the one step sharp cannot do cheaply under Deno — decoding a
 * PNG at full resolution into a buffer the caller owns and reuses — and for
 * two small steps where sharp's per-call overhead is most of the cost (the
 * work resize and the thumbnail JPEG: the same libvips calls sharp makes).
 *
 * Why: sharp hands raw pixels to JS as a fresh libvips allocation that Deno's
 * N-API then copies into a fresh V8 allocation — two multi-megabyte
 * allocations (page faults) and a copy per image, 10-40 ms on top of a
 * ~40 ms decode. Here libvips streams the decoded rows straight into a
 * reused buffer (measured: full decode to JS 48.9 → 39.3 CPU ms per image,
 * decode alone 35.7; see docs/design_notes.md "Decode-bound budget").
 *
 * Only plain 8-bit sRGB RGB PNGs without an ICC profile or EXIF orientation
 * take this path — exactly the images for which sharp's
 * `rotate().toColourspace("srgb").removeAlpha().raw()` returns the loader's
 * pixels unchanged. Anything else, and any failure (no FFI permission, not
 * Linux, libvips not found, a decode error), returns null so the caller uses
 * sharp, whose errors callers already classify. `_sharp.ts` is the only
 * importer (it loads sharp, and with it libvips, first).
 *
 * @module
 */
import type { RawImage } from "./raw_image.ts";

const UCHAR = 0;
const SRGB = 22;
const FAIL_ON_ERROR = 2;
const ACCESS_SEQUENTIAL = 1;
/** Buffers above this are allocated per image instead of retained. */
const RETAIN_LIMIT = 64 << 20;

const SYMBOLS = {
  // Variadic in C: (buf, len, &out, "fail_on", VIPS_FAIL_ON_ERROR, "access", SEQUENTIAL, NULL).
  vips_pngload_buffer: {
    parameters: ["pointer", "usize", "buffer", "buffer", "i32", "buffer", "i32", "pointer"],
    result: "i32",
  },
  vips_image_new_from_memory: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i32"],
    result: "pointer",
  },
  vips_image_write: { parameters: ["pointer", "pointer"], result: "i32", nonblocking: true },
  vips_image_get_width: { parameters: ["pointer"], result: "i32" },
  vips_image_get_height: { parameters: ["pointer"], result: "i32" },
  vips_image_get_bands: { parameters: ["pointer"], result: "i32" },
  vips_image_get_format: { parameters: ["pointer"], result: "i32" },
  vips_image_get_interpretation: { parameters: ["pointer"], result: "i32" },
  vips_image_get_typeof: { parameters: ["pointer", "buffer"], result: "usize" },
  vips_image_get_int: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
  vips_error_clear: { parameters: [], result: "void" },
  g_object_unref: { parameters: ["pointer"], result: "void" },
  // The operation API (no variadic doubles: those would need %al set for the callee).
  vips_operation_new: { parameters: ["buffer"], result: "pointer" },
  vips_object_set_from_string: { parameters: ["pointer", "buffer"], result: "i32" },
  vips_object_build: { parameters: ["pointer"], result: "i32" },
  vips_object_build_async: {
    name: "vips_object_build",
    parameters: ["pointer"],
    result: "i32",
    nonblocking: true,
  },
  vips_object_unref_outputs: { parameters: ["pointer"], result: "void" },
  // g_object_set(op, name, value, NULL) / g_object_get(op, name, &value, NULL): pointers only.
  g_object_set: { parameters: ["pointer", "buffer", "pointer", "pointer"], result: "void" },
  g_object_set_string: {
    name: "g_object_set",
    parameters: ["pointer", "buffer", "buffer", "pointer"],
    result: "void",
  },
  g_object_get: { parameters: ["pointer", "buffer", "buffer", "pointer"], result: "void" },
} as const;

type Vips = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const cstr = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`${s}\0`);
const FAIL_ON = cstr("fail_on");
const ACCESS = cstr("access");
const ICC = cstr("icc-profile-data");
const ORIENTATION = cstr("orientation");
const IN = cstr("in");
const OUT = cstr("out");
const FILENAME = cstr("filename");
const RESIZE = cstr("resize");
const JPEGSAVE = cstr("jpegsave");
const COPY = cstr("copy");

let vips: Vips | null | undefined;
let soname: string | null = null;

/**
 * Name the libvips that sharp loaded (`libvips-cpp.so.<sharp.versions.vips>`):
 * dlopen of an already loaded library's soname returns that same copy, so
 * these calls share sharp's libvips state. `_sharp.ts` calls this on import.
 *
 * @param version libvips version as sharp reports it, e.g. "8.18.7".
 */
export function useLoadedVips(version: string | undefined): void {
  soname = version && Deno.build.os === "linux" ? `libvips-cpp.so.${version}` : null;
  vips = undefined;
}

/** The libvips that sharp loaded, or null (no --allow-ffi, not Linux, not found). */
function openVips(): Vips | null {
  if (vips !== undefined) return vips;
  vips = null;
  if (soname === null) return null;
  try {
    vips = Deno.dlopen(soname, SYMBOLS).symbols;
  } catch {
    vips = null; // sharp does it all
  }
  return vips;
}

/**
 * A reusable destination for full-resolution pixels (one per concurrent
 * worker): after the first images it never allocates, so no page faults.
 *
 * @example
 * ```ts
 * import { decodeToRgb } from "./_sharp.ts";
 * declare const bytes: Uint8Array;
 * const into = new PixelBuffer();
 * const rgb = await decodeToRgb(bytes, { into }); // rgb.data is valid until the next decode into it
 * ```
 */
export class PixelBuffer {
  #buf = new Uint8Array(0);

  /**
   * A writable view of `n` bytes (the retained buffer, or a one-off one above 64 MiB).
   *
   * @param n Bytes needed.
   * @returns A view of exactly `n` bytes; its content is undefined.
   */
  take(n: number): Uint8Array<ArrayBuffer> {
    if (n > RETAIN_LIMIT) return new Uint8Array(n);
    if (this.#buf.length < n) this.#buf = new Uint8Array(n);
    return this.#buf.subarray(0, n);
  }
}

/**
 * Decode a plain 8-bit sRGB RGB PNG into `into` (see the module doc), or
 * return null when the image needs sharp's handling or the fast path is
 * unavailable or fails.
 *
 * @param bytes Encoded PNG bytes (kept alive by the caller until this settles).
 * @param into Destination buffer.
 * @param maxPixels Refuse (null) larger images.
 * @returns RGB pixels viewing `into`'s memory, or null.
 */
export async function decodePngInto(
  bytes: Uint8Array,
  into: PixelBuffer,
  maxPixels: number,
): Promise<RawImage | null> {
  const v = openVips();
  const png = bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e;
  if (!v || !png) return null;
  const out = new BigUint64Array(1);
  const src = Deno.UnsafePointer.of(bytes as Uint8Array<ArrayBuffer>);
  const rc = v.vips_pngload_buffer(
    src,
    BigInt(bytes.byteLength),
    out,
    FAIL_ON,
    FAIL_ON_ERROR,
    ACCESS,
    ACCESS_SEQUENTIAL,
    null,
  );
  const img = Deno.UnsafePointer.create(out[0]!);
  if (rc !== 0 || img === null) {
    v.vips_error_clear();
    return null;
  }
  try {
    const width = v.vips_image_get_width(img);
    const height = v.vips_image_get_height(img);
    if (
      v.vips_image_get_bands(img) !== 3 || v.vips_image_get_format(img) !== UCHAR ||
      v.vips_image_get_interpretation(img) !== SRGB || width * height > maxPixels ||
      Number(v.vips_image_get_typeof(img, ICC)) !== 0 || !unrotated(v, img)
    ) {
      return null;
    }
    const data = into.take(width * height * 3);
    // Runs on a worker thread; `bytes` and `data` stay referenced by this frame until it settles.
    if (!await writeInto(v, img, data, width, height, 3)) return null;
    return { data, width, height, channels: 3 };
  } finally {
    v.g_object_unref(img);
  }
}

/**
 * Render `img` (8-bit, `bands` bands) into JS-owned `data` through a libvips
 * memory image wrapping it; false (error cleared) when libvips fails.
 */
async function writeInto(
  v: Vips,
  img: Deno.PointerObject,
  data: Uint8Array<ArrayBuffer>,
  width: number,
  height: number,
  bands: number,
): Promise<boolean> {
  const dst = v.vips_image_new_from_memory(
    Deno.UnsafePointer.of(data),
    BigInt(data.byteLength),
    width,
    height,
    bands,
    UCHAR,
  );
  if (dst === null) return false;
  try {
    if (await v.vips_image_write(img, dst) !== 0) {
      v.vips_error_clear();
      return false;
    }
    return true;
  } finally {
    v.g_object_unref(dst);
  }
}

/** No EXIF orientation, or orientation 1 (sharp's `rotate()` would be a no-op). */
function unrotated(v: Vips, img: Deno.PointerObject): boolean {
  if (Number(v.vips_image_get_typeof(img, ORIENTATION)) === 0) return true;
  const o = new Int32Array(1);
  return v.vips_image_get_int(img, ORIENTATION, new Uint8Array(o.buffer)) === 0 && o[0] === 1;
}

/** The `out` image of a built operation (a new reference); the operation is released. */
function takeOut(v: Vips, op: Deno.PointerObject): Deno.PointerObject | null {
  const out = new BigUint64Array(1);
  v.g_object_get(op, OUT, new Uint8Array(out.buffer), null);
  v.vips_object_unref_outputs(op);
  v.g_object_unref(op);
  return Deno.UnsafePointer.create(out[0]!);
}

/**
 * JS-owned pixels as a libvips image, marked sRGB (or B_W) as sharp marks
 * raw input. No copy: `img.data` must outlive the returned image's use.
 */
async function wrap(v: Vips, img: RawImage): Promise<Deno.PointerObject | null> {
  const mem = v.vips_image_new_from_memory(
    Deno.UnsafePointer.of(img.data as Uint8Array<ArrayBuffer>),
    BigInt(img.data.byteLength),
    img.width,
    img.height,
    img.channels,
    UCHAR,
  );
  if (mem === null) return null;
  try {
    const op = await build(v, COPY, mem, `interpretation=${img.channels < 3 ? "b-w" : "srgb"}`);
    return op && takeOut(v, op);
  } finally {
    v.g_object_unref(mem); // the copy holds its own reference
  }
}

/** Build `name` with `in` = image and string options; the built operation, or null. */
async function build(
  v: Vips,
  name: Uint8Array<ArrayBuffer>,
  image: Deno.PointerObject,
  options: string,
  filename?: string,
  async = false,
): Promise<Deno.PointerObject | null> {
  const op = v.vips_operation_new(name);
  if (op === null) return null;
  v.g_object_set(op, IN, image, null);
  if (filename !== undefined) v.g_object_set_string(op, FILENAME, cstr(filename), null);
  const ok = v.vips_object_set_from_string(op, cstr(options)) === 0 &&
    (async ? await v.vips_object_build_async(op) : v.vips_object_build(op)) === 0;
  if (!ok) {
    v.vips_error_clear();
    v.vips_object_unref_outputs(op);
    v.g_object_unref(op);
    return null;
  }
  return op;
}

/**
 * Resize to exactly `width` × `height` the way sharp's
 * `resize(w, h, { fit: "fill", kernel })` does for raw input (one
 * `vips_resize` with scale = 1 / (inputWidth / width)), without sharp's
 * per-call overhead; null when the fast path is unavailable.
 *
 * @param image Raw pixels (8-bit).
 * @param size Target size and kernel nickname ("cubic", "lanczos3", …).
 * @returns Fresh pixels, or null.
 */
export async function vipsResize(
  image: RawImage,
  size: { width: number; height: number; kernel: string },
): Promise<RawImage | null> {
  const v = openVips();
  if (!v) return null;
  const src = await wrap(v, image);
  if (src === null) return null;
  try {
    // Same doubles as sharp's ResolveShrink + resize(1.0 / hshrink, vscale = 1.0 / vshrink).
    const h = 1 / (image.width / size.width);
    const vs = 1 / (image.height / size.height);
    const op = await build(v, RESIZE, src, `scale=${h},vscale=${vs},kernel=${size.kernel}`);
    const out = op && takeOut(v, op);
    if (out === null) return null;
    try {
      const w = v.vips_image_get_width(out);
      const hh = v.vips_image_get_height(out);
      const c = v.vips_image_get_bands(out);
      if (v.vips_image_get_format(out) !== UCHAR || c !== image.channels) return null;
      const data = new Uint8Array(w * hh * c);
      if (!await writeInto(v, out, data, w, hh, c)) return null;
      return { data, width: w, height: hh, channels: c as 1 | 3 | 4 };
    } finally {
      v.g_object_unref(out);
    }
  } finally {
    v.g_object_unref(src);
  }
}

/**
 * Write a baseline JPEG file the way sharp's `jpeg({ quality })` encodes it
 * (4:2:0, optimised Huffman coding, no metadata): the same bytes, without
 * sharp's per-call overhead or a copy through JS. Returns false when the
 * fast path is unavailable or fails (the caller then uses sharp).
 *
 * @param image Raw 8-bit RGB pixels (other layouts return false).
 * @param path File to write (created or truncated).
 * @param quality JPEG quality 1-100.
 * @returns Whether the file was written.
 */
export async function vipsJpegSave(
  image: RawImage,
  path: string,
  quality: number,
): Promise<boolean> {
  const v = openVips();
  if (!v || image.channels !== 3) return false;
  const src = await wrap(v, image);
  if (src === null) return false;
  try {
    const options = `Q=${quality},optimize_coding=true,subsample_mode=on,keep=none,` +
      "interlace=false,trellis_quant=false,overshoot_deringing=false,optimize_scans=false," +
      "quant_table=0";
    const op = await build(v, JPEGSAVE, src, options, path, true);
    if (op === null) return false;
    v.vips_object_unref_outputs(op);
    v.g_object_unref(op);
    return true;
  } finally {
    v.g_object_unref(src);
  }
}
