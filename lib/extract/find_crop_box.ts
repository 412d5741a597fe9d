/**
 * Crop recovery: where in a raw frame a delivered (possibly cropped,
 * possibly rescaled, possibly re-encoded) image came from. Multi-scale
 * template matching on downscaled greyscale images, refined at a finer
 * resolution and, for unscaled crops, aligned to the exact pixel at full
 * resolution. Pure: works on greyscale pixel buffers.
 *
 * @module
 */

/** A greyscale image (one byte per pixel, row-major). */
export interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Options for {@linkcode findCropBox}. */
export interface FindCropBoxOptions {
  /** Longest side of the coarse search images, in pixels. */
  coarseSide?: number;
  /** Longest side of the refinement images, in pixels. */
  fineSide?: number;
  /** Box widths tried at the coarse level (besides the unscaled width). */
  scales?: number;
  /** Smallest box tried, as a fraction of the largest box that fits. */
  minFraction?: number;
  /** Relative width difference under which the crop is treated as unscaled. */
  unscaledTolerance?: number;
  /** Mean grey difference under which an unscaled match is exact (skips the multi-scale search). */
  exactMad?: number;
  /** A box width (raw pixels) to try first, e.g. the unscaled width when `raw` is a thumbnail. */
  hintWidth?: number | null;
  /** False: stop after the unscaled (or hinted) width, exact or not (a cheap verification). */
  multiScale?: boolean;
}

/** Defaults of {@linkcode findCropBox}. */
export const FIND_CROP_DEFAULTS = {
  coarseSide: 48,
  fineSide: 192,
  scales: 14,
  minFraction: 0.25,
  unscaledTolerance: 0.03,
  exactMad: 6,
  hintWidth: null,
  multiScale: true,
} satisfies Required<FindCropBoxOptions>;

/** Result of {@linkcode findCropBox}. */
export interface CropMatch {
  /** `[x1, y1, x2, y2]` in raw pixels (x2/y2 exclusive). */
  box: [number, number, number, number];
  /** Normalised cross-correlation of the delivered image and the box (-1..1). */
  score: number;
  /** Mean absolute grey difference (0..255) at full resolution, null when rescaled. */
  mad: number | null;
  /** Delivered width / box width (1 = an unscaled crop). */
  scale: number;
}

/**
 * Area-average resize of a greyscale image (used on both sides of a match so
 * that raw and delivered images are filtered alike).
 *
 * @param img Source image.
 * @param size Target width and height (≥ 1).
 * @returns The resized image.
 * @example
 * ```ts
 * declare const img: Parameters<typeof resizeGrey>[0];
 * const small = resizeGrey(img, { width: 48, height: 32 });
 * ```
 */
export function resizeGrey(img: GreyImage, size: { width: number; height: number }): GreyImage {
  const { width: tw, height: th } = size;
  const out = new Uint8Array(tw * th);
  const sx = img.width / tw, sy = img.height / th;
  const x0s = new Int32Array(tw + 1);
  for (let x = 0; x <= tw; x++) x0s[x] = Math.min(img.width, Math.round(x * sx));
  for (let y = 0; y < th; y++) {
    const ya = Math.min(img.height - 1, Math.round(y * sy));
    const yb = Math.max(ya + 1, Math.min(img.height, Math.round((y + 1) * sy)));
    for (let x = 0; x < tw; x++) {
      const xa = Math.min(img.width - 1, x0s[x]!);
      const xb = Math.max(xa + 1, x0s[x + 1]!);
      let s = 0;
      for (let yy = ya; yy < yb; yy++) {
        const row = yy * img.width;
        for (let xx = xa; xx < xb; xx++) s += img.data[row + xx]!;
      }
      out[y * tw + x] = Math.round(s / ((yb - ya) * (xb - xa)));
    }
  }
  return { data: out, width: tw, height: th };
}

/** NCC of template `t` against window of `r` at (ox, oy), sampling every `step` pixels. */
function ncc(r: GreyImage, t: GreyImage, ox: number, oy: number, step = 1): number {
  let n = 0, sr = 0, st = 0, srr = 0, stt = 0, srt = 0;
  for (let y = 0; y < t.height; y += step) {
    const rr = (oy + y) * r.width + ox, tr = y * t.width;
    for (let x = 0; x < t.width; x += step) {
      const a = r.data[rr + x]!, b = t.data[tr + x]!;
      sr += a;
      st += b;
      srr += a * a;
      stt += b * b;
      srt += a * b;
      n++;
    }
  }
  const cov = srt - (sr * st) / n;
  const vr = srr - (sr * sr) / n, vt = stt - (st * st) / n;
  if (vr <= 1e-9 || vt <= 1e-9) return vr <= 1e-9 && vt <= 1e-9 ? 1 : 0;
  return cov / Math.sqrt(vr * vt);
}

/** Mean absolute difference of `t` and the window of `r` at (ox, oy) on a sample grid. */
function mad(r: GreyImage, t: GreyImage, ox: number, oy: number, step: number): number {
  let s = 0, n = 0;
  for (let y = 0; y < t.height; y += step) {
    const rr = (oy + y) * r.width + ox, tr = y * t.width;
    for (let x = 0; x < t.width; x += step) {
      s += Math.abs(r.data[rr + x]! - t.data[tr + x]!);
      n++;
    }
  }
  return s / n;
}

interface Cand {
  x: number;
  y: number;
  w: number;
  score: number;
}

/**
 * Find the box of `raw` that `delivered` was cut from (and possibly rescaled).
 * The box keeps the delivered image's aspect ratio and lies inside the raw
 * frame (both checked by construction).
 *
 * @param raw The raw frame, full resolution, greyscale.
 * @param delivered The delivered image, greyscale.
 * @param options Search sizes and tolerances.
 * @returns The best box with its score, or null when no box fits.
 * @example
 * ```ts
 * declare const rawGrey: Parameters<typeof findCropBox>[0], finalGrey: Parameters<typeof findCropBox>[0];
 * const m = findCropBox(rawGrey, finalGrey);
 * if (m && m.score > 0.95) console.log(m.box);
 * ```
 */
export function findCropBox(
  raw: GreyImage,
  delivered: GreyImage,
  options: FindCropBoxOptions = {},
): CropMatch | null {
  const o = { ...FIND_CROP_DEFAULTS, ...options };
  const W = raw.width, H = raw.height, w = delivered.width, h = delivered.height;
  const aspect = h / w;
  const maxBw = Math.min(W, H / aspect);
  if (!(maxBw >= 1)) return null;
  const fc = Math.min(1, o.coarseSide / Math.max(W, H));
  const rc = resizeGrey(raw, {
    width: Math.max(1, Math.round(W * fc)),
    height: Math.max(1, Math.round(H * fc)),
  });
  const ff = Math.min(1, o.fineSide / Math.max(W, H));
  const rf = resizeGrey(raw, {
    width: Math.max(1, Math.round(W * ff)),
    height: Math.max(1, Math.round(H * ff)),
  });
  const search = (widths: Iterable<number>, ks: readonly number[]): CropMatch | null => {
    const best = coarse(rc, fc, delivered, aspect, widths);
    if (best === null) return null;
    const fine = refine(rf, ff, fc, delivered, aspect, maxBw, best, ks);
    return finish(raw, delivered, fine, ff, o.unscaledTolerance);
  };
  // Fast path: most deliverables are unscaled crops, found exactly at one width.
  const hint = o.hintWidth !== null && o.hintWidth <= maxBw + 0.5
    ? Math.min(Math.round(o.hintWidth), Math.floor(maxBw))
    : null;
  const fastWidth = hint ?? (w <= W && h <= H ? w : null);
  if (fastWidth !== null) {
    const fast = search([fastWidth], [0]);
    if (fast !== null && fast.mad !== null && fast.mad <= o.exactMad) return fast;
    if (!o.multiScale) return fast;
  }
  const widths = new Set<number>();
  for (let i = 0; i < o.scales; i++) {
    const f = o.minFraction * Math.pow(1 / o.minFraction, i / (o.scales - 1));
    widths.add(Math.round(maxBw * f));
  }
  if (w <= maxBw + 0.5) widths.add(Math.min(w, Math.floor(maxBw)));
  if (hint !== null) widths.add(hint);
  return search(widths, [-0.06, -0.04, -0.02, -0.01, 0, 0.01, 0.02, 0.04, 0.06]);
}

/** Coarse level: every position of every width. */
function coarse(
  rc: GreyImage,
  fc: number,
  delivered: GreyImage,
  aspect: number,
  widths: Iterable<number>,
): Cand | null {
  let best: Cand | null = null;
  for (const bw of widths) {
    const tw = Math.round(bw * fc), th = Math.round(bw * aspect * fc);
    if (tw < 4 || th < 4 || tw > rc.width || th > rc.height) continue;
    const tc = resizeGrey(delivered, { width: tw, height: th });
    for (let y = 0; y <= rc.height - th; y++) {
      for (let x = 0; x <= rc.width - tw; x++) {
        const s = ncc(rc, tc, x, y);
        if (best === null || s > best.score) best = { x: x / fc, y: y / fc, w: bw, score: s };
      }
    }
  }
  return best;
}

/** Fine level: local search in position and width around the coarse answer. */
function refine(
  rf: GreyImage,
  ff: number,
  fc: number,
  delivered: GreyImage,
  aspect: number,
  maxBw: number,
  best: Cand,
  ks: readonly number[],
): Cand {
  const radius = Math.ceil(ff / fc) + 1;
  let fine: Cand = { ...best, score: -Infinity };
  for (const k of ks) {
    const bw = Math.min(maxBw, best.w * (1 + k));
    const tw = Math.round(bw * ff), th = Math.round(bw * aspect * ff);
    if (tw < 4 || th < 4 || tw > rf.width || th > rf.height) continue;
    const tf = resizeGrey(delivered, { width: tw, height: th });
    const cx = Math.round(best.x * ff), cy = Math.round(best.y * ff);
    const step = tw * th > 4096 ? 2 : 1;
    for (let y = Math.max(0, cy - radius); y <= Math.min(rf.height - th, cy + radius); y++) {
      for (let x = Math.max(0, cx - radius); x <= Math.min(rf.width - tw, cx + radius); x++) {
        const s = ncc(rf, tf, x, y, step);
        if (s > fine.score) fine = { x: x / ff, y: y / ff, w: bw, score: s };
      }
    }
  }
  return fine.score === -Infinity ? best : fine;
}

/** Full resolution: an unscaled crop is aligned to the exact pixel; a rescaled one keeps the fine box. */
function finish(
  raw: GreyImage,
  delivered: GreyImage,
  fine: Cand,
  ff: number,
  tolerance: number,
): CropMatch {
  const W = raw.width, H = raw.height, w = delivered.width, h = delivered.height;
  const aspect = h / w;
  if (Math.abs(fine.w - w) / w <= tolerance && w <= W && h <= H) {
    const r = Math.ceil(1 / ff) + 2;
    const step = Math.max(1, Math.floor(Math.sqrt((w * h) / 4096)));
    const cx = Math.round(fine.x), cy = Math.round(fine.y);
    let bx = -1, by = -1, bm = Infinity;
    for (let y = Math.max(0, cy - r); y <= Math.min(H - h, cy + r); y++) {
      for (let x = Math.max(0, cx - r); x <= Math.min(W - w, cx + r); x++) {
        const m = mad(raw, delivered, x, y, step);
        if (m < bm) [bx, by, bm] = [x, y, m];
      }
    }
    if (bx >= 0) {
      const fstep = Math.max(1, Math.floor(Math.sqrt((w * h) / 65536)));
      return {
        box: [bx, by, bx + w, by + h],
        score: ncc(raw, delivered, bx, by, fstep),
        mad: mad(raw, delivered, bx, by, fstep),
        scale: 1,
      };
    }
  }
  const x1 = Math.max(0, Math.round(fine.x)), y1 = Math.max(0, Math.round(fine.y));
  const x2 = Math.min(W, Math.round(fine.x + fine.w));
  const y2 = Math.min(H, Math.round(fine.y + fine.w * aspect));
  return { box: [x1, y1, x2, y2], score: fine.score, mad: null, scale: w / fine.w };
}
