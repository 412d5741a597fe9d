/**
 * Plain-TypeScript pixel work on 8-bit RGB `RawImage` buffers: blur, unsharp
 * mask, masked blends, crops and rectangles. (Decoding, resizing and encoding
 * stay in lib/image.)
 *
 * @module
 */
import type { RawImage } from "../image/mod.ts";

/** A soft region: alpha in [0, 1] for a pixel, plus the rectangle outside which it is 0. */
export interface Region {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  alpha(x: number, y: number): number;
}

/** A black RGB image. */
export function blank(width: number, height: number): RawImage {
  return { data: new Uint8Array(width * height * 3), width, height, channels: 3 };
}

/** Copy of an image. */
export function clone(img: RawImage): RawImage {
  return { ...img, data: img.data.slice() };
}

/** Any 1/3/4-channel image as RGB. */
export function toRgb(img: RawImage): RawImage {
  if (img.channels === 3) return img;
  const out = blank(img.width, img.height);
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      out.data[i * 3 + c] = img.data[i * img.channels + (img.channels === 1 ? 0 : c)] ?? 0;
    }
  }
  return out;
}

/** A channel value rounded and clamped to 0..255. */
export function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** Horizontal then vertical running-sum box blur of radius `r` (edges clamped). */
export function boxBlur(img: RawImage, r: number): RawImage {
  const radius = Math.max(0, Math.round(r));
  if (radius === 0) return clone(img);
  const out = new Uint8Array(img.data.length);
  blurInto(img, radius, new Uint8Array(img.data.length), out);
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

/** The box blur of `img` (radius ≥ 1) written into `out`, with `tmp` as scratch (both its size). */
function blurInto(img: RawImage, radius: number, tmp: Uint8Array, out: Uint8Array): void {
  const { width: w, height: h } = img;
  const stride = w * 3;
  const src = img.data;
  const inv = 1 / (2 * radius + 1);
  // Clamped byte offsets of the pixel entering and leaving the window at each x.
  const addAt = new Int32Array(w), subAt = new Int32Array(w), initAt = new Int32Array(radius);
  for (let x = 0; x < w; x++) {
    addAt[x] = (x + radius + 1 < w ? x + radius + 1 : w - 1) * 3;
    subAt[x] = (x - radius > 0 ? x - radius : 0) * 3;
  }
  for (let k = 1; k <= radius; k++) initAt[k - 1] = (k < w ? k : w - 1) * 3;
  // Rows: one running sum per channel, the three channels walked together.
  for (let y = 0; y < h; y++) {
    const row = y * stride;
    let s0 = src[row]! * (radius + 1);
    let s1 = src[row + 1]! * (radius + 1);
    let s2 = src[row + 2]! * (radius + 1);
    for (let k = 0; k < radius; k++) {
      const j = row + initAt[k]!;
      s0 += src[j]!;
      s1 += src[j + 1]!;
      s2 += src[j + 2]!;
    }
    for (let x = 0, o = row; x < w; x++, o += 3) {
      tmp[o] = (s0 * inv + 0.5) | 0;
      tmp[o + 1] = (s1 * inv + 0.5) | 0;
      tmp[o + 2] = (s2 * inv + 0.5) | 0;
      const a = row + addAt[x]!, b = row + subAt[x]!;
      s0 += src[a]! - src[b]!;
      s1 += src[a + 1]! - src[b + 1]!;
      s2 += src[a + 2]! - src[b + 2]!;
    }
  }
  // Columns: walk rows in order (cache-friendly) with one running sum per column.
  const sums = new Int32Array(stride);
  for (let i = 0; i < stride; i++) {
    let sum = tmp[i]! * (radius + 1);
    for (let k = 1; k <= radius; k++) sum += tmp[(k < h ? k : h - 1) * stride + i]!;
    sums[i] = sum;
  }
  for (let y = 0; y < h; y++) {
    const row = y * stride;
    const add = (y + radius + 1 < h ? y + radius + 1 : h - 1) * stride;
    const sub = (y - radius > 0 ? y - radius : 0) * stride;
    for (let i = 0; i < stride; i++) {
      const sum = sums[i]!;
      out[row + i] = (sum * inv + 0.5) | 0;
      sums[i] = sum + tmp[add + i]! - tmp[sub + i]!;
    }
  }
}

/**
 * Box blur of the rectangle [x0, x1) × [y0, y1) only: equal there to `boxBlur(img, r)`
 * (the window reads `2r` pixels of margin, clamped at the image edges exactly as the
 * full blur clamps). Pixels outside the rectangle are copied unblurred.
 */
export function boxBlurRect(
  img: RawImage,
  r: number,
  rect: { x0: number; y0: number; x1: number; y1: number },
): RawImage {
  const radius = Math.max(0, Math.round(r));
  const x0 = Math.max(0, Math.floor(rect.x0)), y0 = Math.max(0, Math.floor(rect.y0));
  const x1 = Math.min(img.width, Math.ceil(rect.x1)), y1 = Math.min(img.height, Math.ceil(rect.y1));
  const out = clone(img);
  if (radius === 0 || x1 <= x0 || y1 <= y0) return out;
  // Two passes each read `radius` further: a margin of 2·radius makes the inner rectangle exact.
  const m = 2 * radius;
  const cx0 = Math.max(0, x0 - m), cy0 = Math.max(0, y0 - m);
  const cx1 = Math.min(img.width, x1 + m), cy1 = Math.min(img.height, y1 + m);
  const part = boxBlur(cropRaw(img, cx0, cy0, cx1 - cx0, cy1 - cy0), radius);
  const cw = cx1 - cx0;
  for (let y = y0; y < y1; y++) {
    const s = ((y - cy0) * cw + (x0 - cx0)) * 3;
    out.data.set(part.data.subarray(s, s + (x1 - x0) * 3), (y * img.width + x0) * 3);
  }
  return out;
}

/** Unsharp mask: `in + amount * (in - blur(in))` with a two-pass box blur of radius `r`. */
export function unsharp(img: RawImage, r: number, amount: number): RawImage {
  const radius = Math.max(0, Math.round(r));
  const src = img.data, n = src.length;
  // Three buffers instead of five: the second blur lands in `out`, then `out` is
  // overwritten in place by the sharpened value (each element read before it is written).
  const tmp = new Uint8Array(n), once = new Uint8Array(n), out = new Uint8Array(n);
  if (radius === 0) out.set(src);
  else {
    blurInto(img, radius, tmp, once);
    blurInto({ ...img, data: once }, radius, tmp, out);
  }
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    const o = v + amount * (v - out[i]!);
    out[i] = o <= 0 ? 0 : o >= 255 ? 255 : (o + 0.5) | 0;
  }
  return { ...img, data: out };
}

/** Per-pixel colour transform over the whole image (in place). */
export function mapRgb(
  img: RawImage,
  fn: (r: number, g: number, b: number, x: number, y: number) => [number, number, number],
): void {
  const { width: w, height: h, data } = img;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const [r, g, b] = fn(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, x, y);
      data[i] = clamp255(r);
      data[i + 1] = clamp255(g);
      data[i + 2] = clamp255(b);
    }
  }
}

/** Options for {@linkcode affineRgb}. */
export interface AffineOptions {
  /** Added after the gain, per channel. */
  offset?: readonly [number, number, number];
  /** Only this rectangle (pixels, clipped); the whole image when absent. */
  rect?: { x0: number; y0: number; x1: number; y1: number };
}

/**
 * `v · gain + offset` per channel (in place), rounded and clamped exactly as
 * `mapRgb(img, (r, g, b) => [r * g0 + o0, …])` does, without a call per pixel.
 */
export function affineRgb(
  img: RawImage,
  gain: readonly [number, number, number],
  options: AffineOptions = {},
): void {
  const d = img.data, w = img.width;
  const g0 = gain[0], g1 = gain[1], g2 = gain[2];
  const off = options.offset;
  const rect = options.rect ?? { x0: 0, y0: 0, x1: w, y1: img.height };
  const x0 = Math.max(0, rect.x0), x1 = Math.min(w, rect.x1);
  const y0 = Math.max(0, rect.y0), y1 = Math.min(img.height, rect.y1);
  for (let y = y0; y < y1; y++) {
    const end = (y * w + x1) * 3;
    if (off) {
      const o0 = off[0], o1 = off[1], o2 = off[2];
      for (let i = (y * w + x0) * 3; i < end; i += 3) {
        d[i] = clamp255(d[i]! * g0 + o0);
        d[i + 1] = clamp255(d[i + 1]! * g1 + o1);
        d[i + 2] = clamp255(d[i + 2]! * g2 + o2);
      }
    } else {
      for (let i = (y * w + x0) * 3; i < end; i += 3) {
        d[i] = clamp255(d[i]! * g0);
        d[i + 1] = clamp255(d[i + 1]! * g1);
        d[i + 2] = clamp255(d[i + 2]! * g2);
      }
    }
  }
}

/** Saturation about luma (`l + (v − l) · sat` per channel, in place), as `mapRgb` would round it. */
export function saturate(img: RawImage, sat: number): void {
  const d = img.data, n = img.width * img.height * 3;
  for (let i = 0; i < n; i += 3) {
    const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
    const l = 0.299 * r + 0.587 * g + 0.114 * b;
    d[i] = clamp255(l + (r - l) * sat);
    d[i + 1] = clamp255(l + (g - l) * sat);
    d[i + 2] = clamp255(l + (b - l) * sat);
  }
}

/** A feathered ellipse (pixel units): 1 inside, falling to 0 over `feather` of the radius. */
export function ellipseRegion(
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  feather = 0.25,
): Region {
  const inner = Math.max(0, 1 - feather);
  return {
    x0: Math.floor(cx - rx),
    y0: Math.floor(cy - ry),
    x1: Math.ceil(cx + rx),
    y1: Math.ceil(cy + ry),
    alpha: (x, y) => {
      const dx = (x + 0.5 - cx) / rx;
      const dy = (y + 0.5 - cy) / ry;
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d >= 1) return 0;
      if (d <= inner) return 1;
      const t = (1 - d) / (1 - inner);
      return t * t * (3 - 2 * t);
    },
  };
}

/** Blend `src` over `dst` (same size) where `region` says, in place: dst = dst + a·k·(src − dst). */
export function blendRegion(dst: RawImage, src: RawImage, region: Region, strength = 1): void {
  const { width: w, height: h } = dst;
  for (let y = Math.max(0, region.y0); y < Math.min(h, region.y1); y++) {
    for (let x = Math.max(0, region.x0); x < Math.min(w, region.x1); x++) {
      const a = region.alpha(x, y) * strength;
      if (a <= 0) continue;
      const i = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) {
        const d = dst.data[i + c] ?? 0;
        dst.data[i + c] = clamp255(d + a * ((src.data[i + c] ?? 0) - d));
      }
    }
  }
}

/** Paste `layer` at (x0, y0) into `dst`, weighted by `alpha(u, v)` in layer pixels (in place). */
export function pasteLayer(
  dst: RawImage,
  layer: RawImage,
  x0: number,
  y0: number,
  alpha: (u: number, v: number) => number,
): void {
  for (let v = 0; v < layer.height; v++) {
    const y = y0 + v;
    if (y < 0 || y >= dst.height) continue;
    for (let u = 0; u < layer.width; u++) {
      const x = x0 + u;
      if (x < 0 || x >= dst.width) continue;
      const a = alpha(u, v);
      if (a <= 0) continue;
      const di = (y * dst.width + x) * 3;
      const si = (v * layer.width + u) * 3;
      for (let c = 0; c < 3; c++) {
        const d = dst.data[di + c] ?? 0;
        dst.data[di + c] = clamp255(d + a * ((layer.data[si + c] ?? 0) - d));
      }
    }
  }
}

/** A rectangle cut out of an image (clamped to its bounds). */
export function cropRaw(img: RawImage, x: number, y: number, w: number, h: number): RawImage {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.round(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.round(y)));
  const cw = Math.max(1, Math.min(img.width - x0, Math.round(w)));
  const ch = Math.max(1, Math.min(img.height - y0, Math.round(h)));
  const out = blank(cw, ch);
  for (let v = 0; v < ch; v++) {
    const s = ((y0 + v) * img.width + x0) * 3;
    out.data.set(img.data.subarray(s, s + cw * 3), v * cw * 3);
  }
  return out;
}

/** Bilinear sample of channel `c` at real coordinates (clamped). */
export function sample(img: RawImage, x: number, y: number, c: number): number {
  const xc = Math.max(0, Math.min(img.width - 1.001, x));
  const yc = Math.max(0, Math.min(img.height - 1.001, y));
  const x0 = Math.floor(xc), y0 = Math.floor(yc);
  const fx = xc - x0, fy = yc - y0;
  const i = (y0 * img.width + x0) * 3 + c;
  const j = i + img.width * 3;
  const a = img.data[i] ?? 0, b = img.data[i + 3] ?? 0;
  const d = img.data[j] ?? 0, e = img.data[j + 3] ?? 0;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
}

/** Draw a rectangle outline (in place). */
export function drawRect(
  img: RawImage,
  box: [number, number, number, number],
  color: [number, number, number],
  thickness = 2,
): void {
  const [x1, y1, x2, y2] = box.map(Math.round) as [number, number, number, number];
  const put = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const i = (y * img.width + x) * 3;
    img.data[i] = color[0];
    img.data[i + 1] = color[1];
    img.data[i + 2] = color[2];
  };
  for (let t = 0; t < thickness; t++) {
    for (let x = x1; x <= x2; x++) {
      put(x, y1 + t);
      put(x, y2 - t);
    }
    for (let y = y1; y <= y2; y++) {
      put(x1 + t, y);
      put(x2 - t, y);
    }
  }
}

/** Fill a rectangle (in place). */
export function fillRect(
  img: RawImage,
  box: [number, number, number, number],
  color: [number, number, number],
): void {
  const [x1, y1, x2, y2] = box.map(Math.round) as [number, number, number, number];
  for (let y = Math.max(0, y1); y < Math.min(img.height, y2); y++) {
    for (let x = Math.max(0, x1); x < Math.min(img.width, x2); x++) {
      const i = (y * img.width + x) * 3;
      img.data[i] = color[0];
      img.data[i + 1] = color[1];
      img.data[i + 2] = color[2];
    }
  }
}

/** Copy `src` into `dst` at (x, y) (in place, clipped). */
export function blit(dst: RawImage, src: RawImage, x: number, y: number): void {
  pasteLayer(dst, src, x, y, () => 1);
}
