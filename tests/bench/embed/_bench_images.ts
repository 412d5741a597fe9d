/**
 * Benchmark inputs: realistic PNG sizes (832×1216, 1024², 1664×2432, 2048²,
 * 3072²) generated once per process into a temp folder. Copies differ only by
 * a PNG text chunk, so every file has its own sha256 but the same decode cost.
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import { encodeRaw } from "../../../lib/image/mod.ts";
import { synthImage } from "../../fixtures/synth_image.ts";

/** The creator's image sizes. */
export const REALISTIC_SIZES: [number, number][] = [
  [832, 1216],
  [1024, 1024],
  [1664, 2432],
  [2048, 2048],
  [3072, 3072],
];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Insert a `tEXt` chunk right after IHDR (a valid PNG with other bytes).
 *
 * @param png PNG bytes.
 * @param text Latin-1 text ("key\0value").
 * @returns New PNG bytes.
 */
export function withTextChunk(png: Uint8Array, text: string): Uint8Array {
  const data = new TextEncoder().encode(text);
  const chunk = new Uint8Array(12 + data.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode("tEXt"), 4);
  chunk.set(data, 8);
  dv.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const at = 8 + 25; // signature + IHDR chunk
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, at));
  out.set(chunk, at);
  out.set(png.subarray(at), at + chunk.length);
  return out;
}

let shared: { dir: string; files: Promise<string[]>; count: number; quick: boolean } | null = null;

/**
 * Paths of `count` benchmark PNGs (sizes cycled), generated on first use.
 *
 * @param count Number of files.
 * @param quick Use quarter-size images.
 * @returns File paths.
 */
export function benchImages(count: number, quick: boolean): Promise<string[]> {
  if (shared && shared.count === count && shared.quick === quick) return shared.files;
  const dir = Deno.makeTempDirSync({ prefix: "keeper-bench-images-" });
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  });
  const files = (async () => {
    const bases: Uint8Array[] = [];
    for (const [i, [w, h]] of REALISTIC_SIZES.entries()) {
      const s = quick ? 4 : 1;
      const img = synthImage(Math.round(w / s), Math.round(h / s), { seed: 100 + i });
      bases.push(await encodeRaw(img, { format: "png", compressionLevel: 6 }));
    }
    const out: string[] = [];
    for (let k = 0; k < count; k++) {
      const base = bases[k % bases.length]!;
      const path = join(dir, `bench_${String(k).padStart(4, "0")}.png`);
      await Deno.writeFile(path, withTextChunk(base, `keeper\0copy ${k}`));
      out.push(path);
    }
    return out;
  })();
  shared = { dir, files, count, quick };
  return files;
}

/**
 * Run `fn` over items with `concurrency` in flight; returns items per second.
 *
 * @param items Inputs.
 * @param concurrency In flight.
 * @param fn Work per item.
 * @returns Throughput.
 */
export async function throughput<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
  return items.length / ((performance.now() - t0) / 1000);
}

/** Minor page faults of this process so far (fresh multi-MB buffers show up here). */
export function minorFaults(): number {
  return process.resourceUsage().minorPageFault;
}

/**
 * Compare two passes over the same files fairly on a shared machine: files are
 * split into chunks and each chunk runs both passes back to back (order
 * alternating), so load changes hit both alike. Returns items per second of
 * each (wall time), process CPU seconds and minor page faults per item of each.
 *
 * @param items Inputs.
 * @param concurrency In flight.
 * @param a First pass.
 * @param b Second pass.
 * @returns Throughputs and CPU per item.
 */
export async function interleaved<T>(
  items: T[],
  concurrency: number,
  a: (item: T) => Promise<unknown>,
  b: (item: T) => Promise<unknown>,
): Promise<{ a: number; b: number; aCpu: number; bCpu: number; aFaults: number; bFaults: number }> {
  const chunk = Math.max(concurrency * 2, 10);
  let ta = 0;
  let tb = 0;
  let ca = 0;
  let cb = 0;
  let fa = 0;
  let fb = 0;
  const timed = async (
    part: T[],
    fn: (item: T) => Promise<unknown>,
  ): Promise<[number, number, number]> => {
    const c0 = process.cpuUsage();
    const f0 = minorFaults();
    const t0 = performance.now();
    await throughput(part, concurrency, fn);
    const c = process.cpuUsage(c0);
    return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6, minorFaults() - f0];
  };
  for (let i = 0, k = 0; i < items.length; i += chunk, k++) {
    const part = items.slice(i, i + chunk);
    let ra: [number, number, number];
    let rb: [number, number, number];
    if (k % 2 === 0) {
      ra = await timed(part, a);
      rb = await timed(part, b);
    } else {
      rb = await timed(part, b);
      ra = await timed(part, a);
    }
    ta += ra[0];
    ca += ra[1];
    fa += ra[2];
    tb += rb[0];
    cb += rb[1];
    fb += rb[2];
  }
  const n = items.length;
  return { a: n / ta, b: n / tb, aCpu: ca / n, bCpu: cb / n, aFaults: fa / n, bFaults: fb / n };
}
