/**
 * Built-in technical-quality features (no model file): what an AI-image
 * creator checks by eye when choosing between stage variants. Global
 * measures come from the small working image; sharpness, noise and artefact
 * measures come from native-resolution tiles on a 3×3 grid, so local defects
 * (a smeared region, a pasted face of different sharpness or noise, a copied
 * patch, blown highlights in one area) show up as region contrasts.
 *
 * | # | name | meaning |
 * |---|------|---------|
 * | 0-3 | log2_width, log2_height, log_aspect, log2_megapixels | resolution and shape |
 * | 4 | sharpness | log1p(mean Laplacian variance of the tiles) |
 * | 5 | sharpness_centre | same, centre tile only |
 * | 6 | smear | log1p(min tile) − log1p(median tile): ≪ 0 when one region is smeared |
 * | 7 | centre_sharpness_ratio | centre vs median of the other tiles (face-region mismatch) |
 * | 8 | noise | min tile noise σ (Immerkær), grey levels / 10 |
 * | 9 | noise_centre_ratio | log of centre σ over the others' median |
 * | 10-11 | brightness, contrast | mean and std of luma, 0-1 |
 * | 12-14 | clip_high, clip_low, clip_high_max_region | fraction of luma ≥ 250 / ≤ 5, worst of a 4×4 grid |
 * | 15 | colourfulness | Hasler–Süsstrunk M / 100 |
 * | 16-17 | cast_red_green, cast_blue_yellow | mean opponent channels, −1…1 |
 * | 18 | saturation | mean HSV saturation |
 * | 19 | edge_density | fraction of pixels with Sobel gradient > 10 grey levels |
 * | 20 | blockiness | log ratio of 8×8-boundary to interior differences (JPEG) |
 * | 21 | upscale_hf_ratio | log of native vs 2×-downsampled Laplacian energy (≪ 0 for upscaled) |
 * | 22-23 | centre_colour_delta, centre_brightness_delta | subject box vs the rest |
 * | 24 | duplicate_patch | 1 − best normalised distance between distant 8×8 blocks (1 = exact copy) |
 *
 * @module
 */
import { lumaOf, type RawImage, type Tile } from "../image/mod.ts";
import { median } from "../math/mod.ts";

/** Version of the block (part of the cache key). */
export const BUILTIN_VERSION = "builtin-v1";

/** Names of the built-in features, in vector order. */
export const BUILTIN_FEATURE_NAMES = [
  "log2_width",
  "log2_height",
  "log_aspect",
  "log2_megapixels",
  "sharpness",
  "sharpness_centre",
  "smear",
  "centre_sharpness_ratio",
  "noise",
  "noise_centre_ratio",
  "brightness",
  "contrast",
  "clip_high",
  "clip_low",
  "clip_high_max_region",
  "colourfulness",
  "cast_red_green",
  "cast_blue_yellow",
  "saturation",
  "edge_density",
  "blockiness",
  "upscale_hf_ratio",
  "centre_colour_delta",
  "centre_brightness_delta",
  "duplicate_patch",
] as const;

/** One built-in feature name. */
export type BuiltinFeatureName = typeof BUILTIN_FEATURE_NAMES[number];

/** Inputs of {@linkcode computeBuiltinFeatures} (what `decodeOnce` yields). */
export interface BuiltinInput {
  /** Full image size. */
  width: number;
  height: number;
  /** Small RGB working image. */
  work: RawImage;
  /** Native-resolution RGB tiles on a grid, row-major. */
  tiles: Tile[];
}

/** Variance and mean absolute value of the 4-neighbour Laplacian. */
function laplacian(l: Float32Array, w: number, h: number): { variance: number; meanAbs: number } {
  let s = 0;
  let s2 = 0;
  let a = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++) {
      const i = r + x;
      const v = l[i - 1]! + l[i + 1]! + l[i - w]! + l[i + w]! - 4 * l[i]!;
      s += v;
      s2 += v * v;
      a += Math.abs(v);
      n++;
    }
  }
  if (n === 0) return { variance: 0, meanAbs: 0 };
  const m = s / n;
  return { variance: Math.max(0, s2 / n - m * m), meanAbs: a / n };
}

/** Immerkær's fast noise σ estimate (grey levels). */
function noiseSigma(l: Float32Array, w: number, h: number): number {
  if (w < 3 || h < 3) return 0;
  let sum = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = l[i - w - 1]! - 2 * l[i - w]! + l[i - w + 1]! -
        2 * l[i - 1]! + 4 * l[i]! - 2 * l[i + 1]! +
        l[i + w - 1]! - 2 * l[i + w]! + l[i + w + 1]!;
      sum += Math.abs(v);
    }
  }
  return Math.sqrt(Math.PI / 2) * sum / (6 * (w - 2) * (h - 2));
}

/** 2×2 box downsample. */
function half(l: Float32Array, w: number, h: number): { l: Float32Array; w: number; h: number } {
  const hw = Math.floor(w / 2);
  const hh = Math.floor(h / 2);
  const out = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < hw; x++) {
      const i = 2 * y * w + 2 * x;
      out[y * hw + x] = (l[i]! + l[i + 1]! + l[i + w]! + l[i + w + 1]!) / 4;
    }
  }
  return { l: out, w: hw, h: hh };
}

/** Boundary vs interior absolute differences on the image's 8×8 grid. */
function blockSums(
  l: Float32Array,
  w: number,
  h: number,
  ox: number,
  oy: number,
): { b: number; nb: number; i: number; ni: number } {
  let b = 0;
  let nb = 0;
  let inner = 0;
  let ni = 0;
  // Which columns sit on the 8×8 grid's boundary (hoisted: same test, same summation order).
  const edgeCol = new Uint8Array(w);
  for (let x = 0; x < w; x++) edgeCol[x] = (ox + x) % 8 === 7 ? 1 : 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w - 1; x++) {
      const d = Math.abs(l[y * w + x + 1]! - l[y * w + x]!);
      if (edgeCol[x] === 1) {
        b += d;
        nb++;
      } else {
        inner += d;
        ni++;
      }
    }
  }
  for (let y = 0; y < h - 1; y++) {
    const edge = (oy + y) % 8 === 7;
    for (let x = 0; x < w; x++) {
      const d = Math.abs(l[(y + 1) * w + x]! - l[y * w + x]!);
      if (edge) {
        b += d;
        nb++;
      } else {
        inner += d;
        ni++;
      }
    }
  }
  return { b, nb, i: inner, ni };
}

/** `Math.min(n - 1, Math.floor((x * n) / w))` for every column x (hoisted out of pixel loops). */
function binsOf(w: number, n: number): Int32Array {
  const bins = new Int32Array(w);
  for (let x = 0; x < w; x++) bins[x] = Math.min(n - 1, Math.floor((x * n) / w));
  return bins;
}

/** Area-average luma to `n`×`n`. */
function shrinkSquare(l: Float32Array, w: number, h: number, n: number): Float32Array {
  const out = new Float32Array(n * n);
  const cnt = new Float32Array(n * n);
  const col = binsOf(w, n);
  for (let y = 0; y < h; y++) {
    const oy = Math.min(n - 1, Math.floor((y * n) / h)) * n;
    for (let x = 0; x < w; x++) {
      const k = oy + col[x]!;
      out[k]! += l[y * w + x]!;
      cnt[k]! += 1;
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = cnt[k]! > 0 ? out[k]! / cnt[k]! : 0;
  return out;
}

/**
 * 1 − the smallest normalised distance between the texture (high-pass) of a
 * grid block and of any distant block, on a 64×64 area-averaged copy: a
 * patch duplicated inside the image scores ≈ 1, smooth or varied content low.
 */
function duplicatePatch(l: Float32Array, w: number, h: number): number {
  const n = 64;
  const b = 8;
  const g = shrinkSquare(l, w, h, n);
  const hp = new Float32Array(n * n);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = Math.min(n - 1, Math.max(0, y + dy));
        for (let dx = -1; dx <= 1; dx++) s += g[yy * n + Math.min(n - 1, Math.max(0, x + dx))]!;
      }
      hp[y * n + x] = g[y * n + x]! - s / 9;
    }
  }
  const stats = (x0: number, y0: number): { mean: number; ss: number } => {
    let m = 0;
    let ss = 0;
    for (let y = 0; y < b; y++) {
      for (let x = 0; x < b; x++) {
        m += g[(y0 + y) * n + x0 + x]!;
        const v = hp[(y0 + y) * n + x0 + x]!;
        ss += v * v;
      }
    }
    return { mean: m / (b * b), ss };
  };
  const cand: { x: number; y: number; mean: number; ss: number }[] = [];
  for (let y = 0; y + b <= n; y += 2) {
    for (let x = 0; x + b <= n; x += 2) {
      const st = stats(x, y);
      // Only textured blocks (high-pass σ > 1 grey level) can be told apart.
      if (st.ss > b * b) cand.push({ x, y, ...st });
    }
  }
  // Sorted by mean, each grid-aligned block meets only the blocks within 8 grey levels of it (the
  // same pairs as comparing all and skipping the rest; the minimum does not depend on the order).
  cand.sort((p, q) => p.mean - q.mean);
  const means = Float64Array.from(cand, (c) => c.mean);
  let best = Infinity;
  for (const a of cand) {
    if (a.x % b !== 0 || a.y % b !== 0) continue;
    let lo = 0, hi = means.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (means[mid]! < a.mean - 8) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < cand.length && means[k]! <= a.mean + 8; k++) {
      const c = cand[k]!;
      if (Math.abs(c.x - a.x) < 2 * b && Math.abs(c.y - a.y) < 2 * b) continue;
      if (Math.abs(c.mean - a.mean) > 8 || c.ss > 2 * a.ss || a.ss > 2 * c.ss) continue;
      let d = 0;
      const limit = best * (a.ss + c.ss);
      for (let y = 0; y < b && d < limit; y++) {
        const ra = (a.y + y) * n + a.x, rc = (c.y + y) * n + c.x;
        for (let x = 0; x < b; x++) {
          const v = hp[ra + x]! - hp[rc + x]!;
          d += v * v;
        }
      }
      const nd = d / (a.ss + c.ss);
      if (nd < best) best = nd;
    }
  }
  return Number.isFinite(best) ? Math.max(0, 1 - best) : 0;
}

/**
 * Compute the built-in feature vector (see the module table).
 *
 * @param input Working image, tiles and full size (from `decodeOnce`).
 * @returns `BUILTIN_FEATURE_NAMES.length` values.
 * @example
 * ```ts
 * import { decodeOnce } from "../image/mod.ts";
 * const d = await decodeOnce("a.png");
 * const f = computeBuiltinFeatures(d);
 * ```
 */
export function computeBuiltinFeatures(input: BuiltinInput): Float32Array {
  const out = new Float32Array(BUILTIN_FEATURE_NAMES.length);
  const { width, height, work, tiles } = input;
  out[0] = Math.log2(width);
  out[1] = Math.log2(height);
  out[2] = Math.log(width / height);
  out[3] = Math.log2((width * height) / 1e6);

  // Native-resolution tiles.
  const sharp: number[] = [];
  const noise: number[] = [];
  const hf: number[] = [];
  let bb = 0;
  let nb = 0;
  let bi = 0;
  let ni = 0;
  for (const t of tiles) {
    const l = lumaOf(t.image);
    const { width: w, height: h } = t.image;
    const lap = laplacian(l, w, h);
    sharp.push(Math.log1p(lap.variance));
    noise.push(noiseSigma(l, w, h));
    const hl = half(l, w, h);
    const lap2 = laplacian(hl.l, hl.w, hl.h);
    hf.push(Math.log((lap.meanAbs + 0.05) / (lap2.meanAbs + 0.05)));
    const bs = blockSums(l, w, h, t.x, t.y);
    bb += bs.b;
    nb += bs.nb;
    bi += bs.i;
    ni += bs.ni;
  }
  const centre = tiles.length >> 1;
  const others = (v: number[]): number[] => v.filter((_, i) => i !== centre);
  out[4] = Math.log1p(sharp.reduce((a, v) => a + Math.expm1(v), 0) / Math.max(1, sharp.length));
  out[5] = sharp[centre] ?? 0;
  out[6] = sharp.length ? Math.min(...sharp) - median(sharp) : 0;
  out[7] = tiles.length > 1 ? (sharp[centre] ?? 0) - median(others(sharp)) : 0;
  out[8] = noise.length ? Math.min(...noise) / 10 : 0;
  out[9] = tiles.length > 1
    ? Math.log(((noise[centre] ?? 0) + 0.5) / (median(others(noise)) + 0.5))
    : 0;
  out[20] = nb > 0 && ni > 0 ? Math.log((bb / nb + 0.5) / (bi / ni + 0.5)) : 0;
  out[21] = median(hf);

  // Working image.
  const w = work.width;
  const h = work.height;
  const c = work.channels;
  const d = work.data;
  const l = lumaOf(work);
  const n = w * h;
  let sl = 0;
  let sl2 = 0;
  let hi = 0;
  let lo = 0;
  let srg = 0;
  let srg2 = 0;
  let syb = 0;
  let syb2 = 0;
  let sat = 0;
  let cast = 0;
  const region = new Float32Array(16);
  const regionN = new Float32Array(16);
  const cx0 = Math.floor(w / 4);
  const cx1 = Math.ceil((3 * w) / 4);
  const cy0 = Math.floor(h / 8);
  const cy1 = Math.ceil((5 * h) / 8);
  const inC = [0, 0, 0, 0];
  const outC = [0, 0, 0, 0];
  const regionCol = binsOf(w, 4);
  for (let y = 0; y < h; y++) {
    const ry = Math.min(3, Math.floor((y * 4) / h)) * 4;
    const yIn = y >= cy0 && y < cy1;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const j = i * c;
      const r = d[j]!;
      const g = c >= 3 ? d[j + 1]! : r;
      const b = c >= 3 ? d[j + 2]! : r;
      const v = l[i]!;
      sl += v;
      sl2 += v * v;
      const k = ry + regionCol[x]!;
      regionN[k]! += 1;
      if (v >= 250) {
        hi++;
        region[k]! += 1;
      }
      if (v <= 5) lo++;
      const rg = r - g;
      const yb = 0.5 * (r + g) - b;
      srg += rg;
      srg2 += rg * rg;
      syb += yb;
      syb2 += yb * yb;
      cast += b - 0.5 * (r + g);
      const mx = Math.max(r, g, b);
      if (mx > 0) sat += (mx - Math.min(r, g, b)) / mx;
      const acc = yIn && x >= cx0 && x < cx1 ? inC : outC;
      acc[0]! += r;
      acc[1]! += g;
      acc[2]! += b;
      acc[3]! += 1;
    }
  }
  const mean = sl / n;
  out[10] = mean / 255;
  out[11] = Math.sqrt(Math.max(0, sl2 / n - mean * mean)) / 255;
  out[12] = hi / n;
  out[13] = lo / n;
  let worst = 0;
  for (let k = 0; k < 16; k++) {
    if (regionN[k]! > 0) worst = Math.max(worst, region[k]! / regionN[k]!);
  }
  out[14] = worst;
  const mrg = srg / n;
  const myb = syb / n;
  const sdrg = Math.sqrt(Math.max(0, srg2 / n - mrg * mrg));
  const sdyb = Math.sqrt(Math.max(0, syb2 / n - myb * myb));
  out[15] = (Math.sqrt(sdrg * sdrg + sdyb * sdyb) + 0.3 * Math.sqrt(mrg * mrg + myb * myb)) / 100;
  out[16] = mrg / 255;
  out[17] = cast / n / 255;
  out[18] = sat / n;

  // Sobel edge density on the working image.
  let edges = 0;
  let en = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const gx = l[i - w + 1]! + 2 * l[i + 1]! + l[i + w + 1]! - l[i - w - 1]! - 2 * l[i - 1]! -
        l[i + w - 1]!;
      const gy = l[i + w - 1]! + 2 * l[i + w]! + l[i + w + 1]! - l[i - w - 1]! - 2 * l[i - w]! -
        l[i - w + 1]!;
      if (gx * gx + gy * gy > 1600) edges++;
      en++;
    }
  }
  out[19] = en > 0 ? edges / en : 0;

  if (inC[3]! > 0 && outC[3]! > 0) {
    const dr = inC[0]! / inC[3]! - outC[0]! / outC[3]!;
    const dg = inC[1]! / inC[3]! - outC[1]! / outC[3]!;
    const db = inC[2]! / inC[3]! - outC[2]! / outC[3]!;
    out[22] = Math.sqrt(dr * dr + dg * dg + db * db) / 255;
    out[23] = (0.299 * dr + 0.587 * dg + 0.114 * db) / 255;
  }
  out[24] = duplicatePatch(l, w, h);
  return out;
}
