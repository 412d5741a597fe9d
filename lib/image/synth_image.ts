/**
 * Deterministic synthetic RGB images for tests and benchmarks: smooth colour
 * fields with shapes, fine texture and grain, roughly the statistics (and PNG
 * size) of generated photos.
 *
 * @module
 */
import type { RawImage } from "./_sharp.ts";
import { mulberry32 } from "../random/mod.ts";

/** Options for {@linkcode synthImage}. */
export interface SynthImageOptions {
  /** RNG seed (different seeds give different images). */
  seed?: number;
  /** Grain amplitude in grey levels. */
  noise?: number;
}

const defaults = { seed: 1, noise: 6 } satisfies Required<SynthImageOptions>;

/**
 * Make a synthetic RGB image.
 *
 * @param width Width in pixels.
 * @param height Height in pixels.
 * @param options Seed and grain.
 * @returns RGB pixels.
 * @example
 * ```ts
 * const img = synthImage(64, 48, { seed: 3 });
 * ```
 */
export function synthImage(
  width: number,
  height: number,
  options: SynthImageOptions = {},
): RawImage {
  const opts = { ...defaults, ...options };
  const rand = mulberry32(opts.seed);
  const waves = Array.from({ length: 3 }, () => ({
    fx: (rand() * 3 + 0.5) * 2 * Math.PI / width,
    fy: (rand() * 3 + 0.5) * 2 * Math.PI / height,
    p: rand() * 6.28,
    c: [rand() * 80, rand() * 80, rand() * 80],
  }));
  const base = [rand() * 120 + 40, rand() * 120 + 40, rand() * 120 + 40];
  const cx = width * (0.3 + rand() * 0.4);
  const cy = height * (0.3 + rand() * 0.4);
  const rad = Math.min(width, height) * (0.15 + rand() * 0.15);
  const disc = [rand() * 255, rand() * 255, rand() * 255];
  const tex = 2 * Math.PI / Math.max(3, Math.min(width, height) / 60);
  const data = new Uint8Array(width * height * 3);
  // Fast xorshift grain (the seeded generator above is too slow per pixel).
  let s = (opts.seed * 2654435761) >>> 0 || 1;
  for (let y = 0; y < height; y++) {
    const rowWave = waves.map((w) => Math.sin(w.fy * y + w.p));
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const dx = x - cx;
      const dy = y - cy;
      const inDisc = dx * dx + dy * dy < rad * rad;
      const t = 10 * Math.sin(tex * x) * Math.sin(tex * y);
      for (let c = 0; c < 3; c++) {
        let v = inDisc ? disc[c]! : base[c]!;
        for (let k = 0; k < 3; k++) {
          const w = waves[k]!;
          v += w.c[c]! * rowWave[k]! * Math.cos(w.fx * x);
        }
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        v += t + ((s >>> 0) / 4294967296 - 0.5) * 2 * opts.noise;
        data[i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
  return { data, width, height, channels: 3 };
}
