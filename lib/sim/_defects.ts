/**
 * Defects a broken face swap, upscaler or enhancer leaves behind, applied in
 * place to one stage image. Geometry is normalised, so a defect planned once
 * applies at any scale; strength grows with severity (0 subtle .. 1 obvious).
 *
 * @module
 */
import type { RawImage } from "../image/mod.ts";
import { resizeRaw } from "../image/mod.ts";
import type { Box } from "../types.ts";
import {
  affineRgb,
  blendRegion,
  boxBlur,
  clamp255,
  clone,
  cropRaw,
  ellipseRegion,
  pasteLayer,
  type Region,
  sample,
} from "./_pixels.ts";
import { makeRng } from "./_rng.ts";
import type { DefectPlan } from "./types.ts";

/** A face patch source for `face_mismatch` (another character's face). */
export interface FaceSource {
  image: RawImage;
  face: Box;
}

function px(box: Box, img: RawImage): [number, number, number, number] {
  return [box[0] * img.width, box[1] * img.height, box[2] * img.width, box[3] * img.height];
}

function regionOf(box: Box, img: RawImage, grow = 1, feather = 0.4): Region {
  const [x0, y0, x1, y1] = px(box, img);
  return ellipseRegion(
    (x0 + x1) / 2,
    (y0 + y1) / 2,
    Math.max(2, ((x1 - x0) / 2) * grow),
    Math.max(2, ((y1 - y0) / 2) * grow),
    feather,
  );
}

/**
 * Apply one defect to `img` in place.
 *
 * @param img The stage image (RGB).
 * @param defect The planned defect.
 * @param faces Other characters' faces (for `face_mismatch`).
 */
export async function applyDefect(
  img: RawImage,
  defect: DefectPlan,
  faces: readonly FaceSource[],
): Promise<void> {
  const sev = defect.severity;
  const p = defect.params;
  switch (defect.kind) {
    case "face_mismatch": {
      const src = faces[(p.other ?? 0) % Math.max(1, faces.length)];
      if (!src) return;
      const [x0, y0, x1, y1] = px(defect.box, img);
      const w = Math.max(2, Math.round(x1 - x0)), h = Math.max(2, Math.round(y1 - y0));
      const [fx0, fy0, fx1, fy1] = px(src.face, src.image);
      const patch = await resizeRaw(cropRaw(src.image, fx0, fy0, fx1 - fx0, fy1 - fy0), {
        width: w,
        height: h,
      });
      const region = ellipseRegion(w / 2, h / 2, w / 2, h / 2, 0.45);
      const strength = 0.3 + 0.7 * sev;
      pasteLayer(
        img,
        patch,
        Math.round(x0),
        Math.round(y0),
        (u, v) => region.alpha(u, v) * strength,
      );
      return;
    }
    case "smear": {
      const region = regionOf(defect.box, img, 1, 0.5);
      const len = (0.006 + 0.05 * sev) * img.width;
      const dx = Math.cos(p.angle ?? 0), dy = Math.sin(p.angle ?? 0);
      const src = clone(img);
      const n = 9;
      for (let y = Math.max(0, region.y0); y < Math.min(img.height, region.y1); y++) {
        for (let x = Math.max(0, region.x0); x < Math.min(img.width, region.x1); x++) {
          const a = region.alpha(x, y);
          if (a <= 0) continue;
          const i = (y * img.width + x) * 3;
          for (let c = 0; c < 3; c++) {
            let s = 0;
            for (let k = 0; k < n; k++) {
              const t = (k / (n - 1) - 0.5) * len;
              s += sample(src, x + dx * t, y + dy * t, c);
            }
            const v = src.data[i + c] ?? 0;
            img.data[i + c] = Math.round(v + a * (s / n - v));
          }
        }
      }
      return;
    }
    case "warp": {
      const [x0, y0, x1, y1] = px(defect.box, img);
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      const r = Math.max(3, Math.max(x1 - x0, y1 - y0) / 2);
      const turn = (p.turn ?? 1) * (0.35 + 2.4 * sev);
      const src = clone(img);
      for (let y = Math.max(0, Math.floor(cy - r)); y < Math.min(img.height, cy + r); y++) {
        for (let x = Math.max(0, Math.floor(cx - r)); x < Math.min(img.width, cx + r); x++) {
          const ux = x - cx, uy = y - cy;
          const d = Math.sqrt(ux * ux + uy * uy) / r;
          if (d >= 1) continue;
          const ang = turn * (1 - d) * (1 - d);
          const cs = Math.cos(ang), sn = Math.sin(ang);
          const sx = cx + ux * cs - uy * sn, sy = cy + ux * sn + uy * cs;
          const i = (y * img.width + x) * 3;
          for (let c = 0; c < 3; c++) img.data[i + c] = Math.round(sample(src, sx, sy, c));
        }
      }
      return;
    }
    case "color_cast": {
      const m = 0.035 + 0.2 * sev;
      const gr = p.r ?? 0, gg = p.g ?? 0, gb = p.b ?? 0;
      const gradient = (p.gradient ?? 0) > 0;
      // Per-column gains (the gradient runs left to right), then one pass over the pixels.
      const w = img.width, d = img.data;
      const fr = new Float64Array(w), fg = new Float64Array(w), fb = new Float64Array(w);
      for (let x = 0; x < w; x++) {
        const k = gradient ? m * (0.3 + 1.4 * (x / w)) : m;
        fr[x] = 1 + k * gr;
        fg[x] = 1 + k * gg;
        fb[x] = 1 + k * gb;
      }
      for (let y = 0; y < img.height; y++) {
        for (let x = 0, i = y * w * 3; x < w; x++, i += 3) {
          d[i] = clamp255(d[i]! * fr[x]!);
          d[i + 1] = clamp255(d[i + 1]! * fg[x]!);
          d[i + 2] = clamp255(d[i + 2]! * fb[x]!);
        }
      }
      return;
    }
    case "blown_highlights": {
      const region = regionOf(defect.box, img, 1.25, 0.7);
      const gain = 0.2 + 0.9 * sev, lift = 15 + 70 * sev;
      const src = clone(img);
      // The blend reads only the region's rectangle: brighten just that.
      affineRgb(src, [1 + gain, 1 + gain, 1 + gain], { offset: [lift, lift, lift], rect: region });
      blendRegion(img, src, region, 1);
      return;
    }
    case "duplicate_patch": {
      const [dx0, dy0, dx1, dy1] = px(defect.box, img);
      const w = Math.max(2, Math.round(dx1 - dx0)), h = Math.max(2, Math.round(dy1 - dy0));
      const patch = cropRaw(img, (p.sx ?? 0) * img.width, (p.sy ?? 0) * img.height, w, h);
      const region = ellipseRegion(
        patch.width / 2,
        patch.height / 2,
        patch.width / 2,
        patch.height / 2,
        0.5,
      );
      const strength = 0.45 + 0.55 * sev;
      pasteLayer(
        img,
        patch,
        Math.round(dx0),
        Math.round(dy0),
        (u, v) => region.alpha(u, v) * strength,
      );
      return;
    }
    case "tile_seam": {
      const n = Math.max(2, p.tiles ?? 3);
      const rng = makeRng(p.seed ?? 1);
      const offs: number[][] = [];
      for (let i = 0; i < n * n; i++) {
        const o = (3 + 22 * sev) * (rng.next() * 2 - 1);
        const gain = 1 + 0.06 * sev * (rng.next() * 2 - 1);
        offs.push([o, gain]);
      }
      const tw = img.width / n, th = img.height / n;
      // A slightly softer tile interior makes the seams read as an upscaler's tiling.
      const soft = boxBlur(img, Math.max(1, Math.round(img.width / 1500)));
      const mix = 0.5 * sev, w = img.width, d = img.data, sd = soft.data;
      const col = new Int32Array(w);
      for (let x = 0; x < w; x++) col[x] = Math.min(n - 1, Math.floor(x / tw));
      for (let y = 0; y < img.height; y++) {
        const tileRow = Math.min(n - 1, Math.floor(y / th)) * n;
        for (let x = 0, i = y * w * 3; x < w; x++, i += 3) {
          const t = offs[tileRow + col[x]!]!;
          const o = t[0]!, k = t[1]!;
          const r = d[i]!, g = d[i + 1]!, b = d[i + 2]!;
          const rr = r + mix * (sd[i]! - r);
          const gg = g + mix * (sd[i + 1]! - g);
          const bb = b + mix * (sd[i + 2]! - b);
          d[i] = clamp255(rr * k + o);
          d[i + 1] = clamp255(gg * k + o);
          d[i + 2] = clamp255(bb * k + o);
        }
      }
      return;
    }
    case "ghosting": {
      // A faint copy of the region, offset by a fraction of its size, over itself.
      const [x0, y0, x1, y1] = px(defect.box, img);
      const ox = (p.dx ?? 0.05) * (x1 - x0), oy = (p.dy ?? 0) * (y1 - y0);
      const region = regionOf(defect.box, img, 1.1, 0.5);
      const src = clone(img);
      const strength = 0.12 + 0.4 * sev;
      for (let y = Math.max(0, region.y0); y < Math.min(img.height, region.y1); y++) {
        for (let x = Math.max(0, region.x0); x < Math.min(img.width, region.x1); x++) {
          const a = region.alpha(x, y) * strength;
          if (a <= 0) continue;
          const i = (y * img.width + x) * 3;
          for (let c = 0; c < 3; c++) {
            const v = src.data[i + c] ?? 0;
            img.data[i + c] = Math.round(v + a * (sample(src, x - ox, y - oy, c) - v));
          }
        }
      }
      return;
    }
    case "noise_burst": {
      // Grain in cells of ~1/700 of the width (the same look at any resolution).
      const region = regionOf(defect.box, img, 1, 0.6);
      const rng = makeRng(p.seed ?? 1);
      const cell = Math.max(1, Math.round(img.width / 700));
      const sd = 5 + 26 * sev, color = p.color ?? 0.3;
      const cols = Math.ceil(img.width / cell), rows = Math.ceil(img.height / cell);
      const cx0 = Math.max(0, Math.floor(region.x0 / cell));
      const cx1 = Math.min(cols, Math.ceil(region.x1 / cell));
      const cy0 = Math.max(0, Math.floor(region.y0 / cell));
      const cy1 = Math.min(rows, Math.ceil(region.y1 / cell));
      for (let cy = cy0; cy < cy1; cy++) {
        for (let cx = cx0; cx < cx1; cx++) {
          const l = rng.normal() * sd;
          const n = [0, 1, 2].map(() => l * (1 - color) + rng.normal() * sd * color);
          for (let y = cy * cell; y < Math.min(img.height, (cy + 1) * cell); y++) {
            for (let x = cx * cell; x < Math.min(img.width, (cx + 1) * cell); x++) {
              const a = region.alpha(x, y);
              if (a <= 0) continue;
              const i = (y * img.width + x) * 3;
              for (let c = 0; c < 3; c++) img.data[i + c] = clamp255(img.data[i + c]! + a * n[c]!);
            }
          }
        }
      }
      return;
    }
    case "banding": {
      // Posterised tones (fewer levels with severity) in a large soft region.
      const region = regionOf(defect.box, img, 1, 0.6);
      const levels = Math.max(4, Math.round(36 - 30 * sev));
      const q = 255 / (levels - 1);
      const src = clone(img);
      for (let y = Math.max(0, region.y0); y < Math.min(img.height, region.y1); y++) {
        for (let x = Math.max(0, region.x0); x < Math.min(img.width, region.x1); x++) {
          const i = (y * img.width + x) * 3;
          for (let c = 0; c < 3; c++) {
            src.data[i + c] = Math.round(Math.round(src.data[i + c]! / q) * q);
          }
        }
      }
      blendRegion(img, src, region, 1);
      return;
    }
  }
}
