/**
 * Direct libvips calls (Deno FFI into the libvips that sharp has already
 * loaded) for the one step sharp cannot do cheaply under Deno: decoding a
 * PNG at full resolution into a buffer the caller owns and reuses.
 *
 * Why: sharp hands raw pixels to JS as a fresh libvips allocation that Deno's
 * N-API then copies into a fresh V8 allocation — two multi-megabyte
 * allocations (page faults) and a copy per image, 10-40 ms on top of a
 * ~40 ms decode. Here libvips streams the decoded rows straight into a
 * reused buffer (measured: full decode to JS 48.9 → 39.3 CPU ms per image,
 * decode alone 35.7; see ARCHITECTURE.md "Decode-bound budget").
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
import type { RawImage } from "./_sharp.ts";

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
} as const;

type Vips = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

const cstr = (s: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(`${s}\0`);
const FAIL_ON = cstr("fail_on");
const ACCESS = cstr("access");
const ICC = cstr("icc-profile-data");
const ORIENTATION = cstr("orientation");

let vips: Vips | null | undefined;

/** The libvips that sharp loaded (found in this process's memory map), or null. */
function openVips(): Vips | null {
  if (vips !== undefined) return vips;
  vips = null;
  try {
    if (Deno.build.os !== "linux") return null;
    const maps = Deno.readTextFileSync("/proc/self/maps");
    const line = maps.split("\n").find((l) => /\/libvips-cpp\.so[.\d]*$/.test(l));
    const path = line?.slice(line.indexOf("/"));
    if (!path) return null;
    // dlopen of an already loaded library returns that same copy (one libvips state).
    vips = Deno.dlopen(path, SYMBOLS).symbols;
  } catch {
    vips = null; // no --allow-ffi / --allow-read, or another platform: sharp does it all
  }
  return vips;
}

/**
 * A reusable destination for full-resolution pixels (one per concurrent
 * worker): after the first images it never allocates, so no page faults.
 *
 * @example
 * ```ts
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
    const n = width * height * 3;
    const data = into.take(n);
    const dst = v.vips_image_new_from_memory(
      Deno.UnsafePointer.of(data),
      BigInt(n),
      width,
      height,
      3,
      UCHAR,
    );
    if (dst === null) return null;
    try {
      // Runs on a worker thread; `bytes` and `data` stay referenced by this frame until it settles.
      if (await v.vips_image_write(img, dst) !== 0) {
        v.vips_error_clear();
        return null;
      }
    } finally {
      v.g_object_unref(dst);
    }
    return { data, width, height, channels: 3 };
  } finally {
    v.g_object_unref(img);
  }
}

/** No EXIF orientation, or orientation 1 (sharp's `rotate()` would be a no-op). */
function unrotated(v: Vips, img: Deno.PointerObject): boolean {
  if (Number(v.vips_image_get_typeof(img, ORIENTATION)) === 0) return true;
  const o = new Int32Array(1);
  return v.vips_image_get_int(img, ORIENTATION, new Uint8Array(o.buffer)) === 0 && o[0] === 1;
}
