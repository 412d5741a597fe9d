/**
 * Pixels for one planned group: the scene (a character cut from a real photo
 * on a real background), then each stage derived from the previous one with
 * the creator's pipeline semantics, defects applied where planned.
 *
 * @module
 */
import { type RawImage, readRaw, resizeRaw } from "../image/mod.ts";
import type { Box } from "../types.ts";
import { applyDefect, type FaceSource } from "./_defects.ts";
import {
  affineRgb,
  blendRegion,
  boxBlur,
  boxBlurRect,
  clone,
  cropRaw,
  ellipseRegion,
  pasteLayer,
  saturate,
  toRgb,
  unsharp,
} from "./_pixels.ts";
import type { CharacterInfo } from "./_plan.ts";
import type { GroupPlan } from "./types.ts";

/** Decoded demo photos (RGB), loaded once. */
export interface PhotoSet {
  /** `alpha`: the drawing's coverage (0-255, repeated in 3 channels) for cut-out characters. */
  characters: Map<string, { info: CharacterInfo; image: RawImage; alpha?: RawImage }>;
  backgrounds: Map<string, RawImage>;
}

/** The catalogue file `photos.json`. */
export interface PhotoCatalog {
  /** `file`: relative to the photo folder, or absolute; `alpha`: paste along its transparency. */
  characters: { name: string; file: string; subject: Box; face: Box; alpha?: boolean }[];
  backgrounds: string[];
}

/** Load and decode the catalogue's photos from `dir`. */
export async function loadPhotos(dir: string, catalog: PhotoCatalog): Promise<PhotoSet> {
  const characters = new Map<string, { info: CharacterInfo; image: RawImage; alpha?: RawImage }>();
  for (const c of catalog.characters) {
    const path = c.file.startsWith("/") ? c.file : `${dir}/${c.file}`;
    const { alpha: _a, ...info } = c;
    if (c.alpha) {
      const { image, alpha } = splitAlpha(await readRaw(path, { channels: 4 }));
      characters.set(c.name, {
        image,
        alpha,
        info: { ...info, width: image.width, height: image.height },
      });
      continue;
    }
    const image = toRgb(await readRaw(path, { channels: 3 }));
    characters.set(c.name, {
      image,
      info: { ...info, width: image.width, height: image.height },
    });
  }
  const backgrounds = new Map<string, RawImage>();
  for (const b of catalog.backgrounds) {
    backgrounds.set(b, toRgb(await readRaw(`${dir}/${b}`, { channels: 3 })));
  }
  return { characters, backgrounds };
}

function stageMult(stage: number): number {
  return stage >= 3 ? 3 : stage >= 2 ? 2 : 1;
}

/** The stage1 scene of a group (before any stage processing). */
export async function renderScene(plan: GroupPlan, photos: PhotoSet): Promise<RawImage> {
  const m0 = plan.members[0]!;
  const w = m0.width / stageMult(m0.stage), h = m0.height / stageMult(m0.stage);
  const s = plan.scene;
  const bgSrc = photos.backgrounds.get(s.background);
  const ch = photos.characters.get(plan.character);
  if (!bgSrc || !ch) {
    throw new RangeError(`Cannot render group "${plan.group_id}": missing photo`);
  }
  // Background: a window of the photo with the frame's aspect, tinted and softened.
  let ww = s.bg_window[2] * bgSrc.width, wh = (ww * h) / w;
  if (wh > bgSrc.height) {
    wh = bgSrc.height * s.bg_window[2];
    ww = (wh * w) / h;
  }
  ww = Math.min(ww, bgSrc.width);
  const left = s.bg_window[0] * (bgSrc.width - ww), top = s.bg_window[1] * (bgSrc.height - wh);
  let img = await resizeRaw(cropRaw(bgSrc, left, top, ww, wh), { width: w, height: h });
  img = boxBlur(img, Math.max(1, Math.round(w / 300)));
  affineRgb(img, [s.bg_gain[0], s.bg_gain[1], s.bg_gain[2]]);
  // Character: part of the subject region, maybe mirrored, pasted with a soft
  // rounded-top mask that stays open at the bottom (a figure standing in frame).
  const [sx0, sy0, sx1, sy1] = ch.info.subject;
  const sw = sx1 - sx0, sh = sy1 - sy0;
  const part = s.subject_part;
  const cut = (src: RawImage): RawImage =>
    cropRaw(
      src,
      sx0 + part[0] * sw,
      sy0 + part[1] * sh,
      (part[2] - part[0]) * sw,
      (part[3] - part[1]) * sh,
    );
  let layer = cut(ch.image);
  const ph = Math.max(2, Math.round(s.height * h));
  const pw = Math.max(2, Math.round((ph * layer.width) / layer.height));
  layer = await resizeRaw(layer, { width: pw, height: ph });
  if (s.flip) layer = mirror(layer);
  const x0 = Math.round(s.cx * w - pw / 2), y0 = Math.round(s.top * h);
  if (ch.alpha) {
    // A drawing: pasted along its own outline, soft at a cut-off bottom.
    let a = await resizeRaw(cut(ch.alpha), { width: pw, height: ph });
    if (s.flip) a = mirror(a);
    const open = part[3] < 1;
    pasteLayer(img, layer, x0, y0, (u, v) => {
      const bottom = open ? Math.min(1, (ph - v) / (ph * 0.08)) : 1;
      return ((a.data[(v * pw + u) * 3] ?? 0) / 255) * bottom;
    });
    affineRgb(img, [s.grade[0], s.grade[1], s.grade[2]]);
    return img;
  }
  pasteLayer(img, layer, x0, y0, (u, v) => {
    const dx = Math.abs(u + 0.5 - pw / 2) / (pw / 2);
    const dy = v < ph / 2 ? (ph / 2 - v) / (ph / 2) : 0;
    const d = Math.sqrt(dx * dx + dy * dy);
    // Fade the last rows too, in case the figure ends above the frame's bottom.
    const bottom = Math.min(1, (ph - v) / (ph * 0.08));
    if (d >= 1) return 0;
    if (d <= 0.8) return bottom;
    const t = (1 - d) / 0.2;
    return t * t * (3 - 2 * t) * bottom;
  });
  affineRgb(img, [s.grade[0], s.grade[1], s.grade[2]]);
  return img;
}

/** RGB (flattened on white) and the alpha channel repeated in 3 channels, from RGBA. */
function splitAlpha(rgba: RawImage): { image: RawImage; alpha: RawImage } {
  const n = rgba.width * rgba.height;
  const image = {
    data: new Uint8Array(n * 3),
    width: rgba.width,
    height: rgba.height,
    channels: 3 as const,
  };
  const alpha = {
    data: new Uint8Array(n * 3),
    width: rgba.width,
    height: rgba.height,
    channels: 3 as const,
  };
  for (let i = 0; i < n; i++) {
    const a = rgba.channels === 4 ? rgba.data[i * 4 + 3]! : 255;
    for (let c = 0; c < 3; c++) {
      const v = rgba.data[i * rgba.channels + c] ?? 0;
      image.data[i * 3 + c] = Math.round((v * a + 255 * (255 - a)) / 255);
      alpha.data[i * 3 + c] = a;
    }
  }
  return { image, alpha };
}

function mirror(img: RawImage): RawImage {
  const out = clone(img);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const a = (y * img.width + x) * 3, b = (y * img.width + (img.width - 1 - x)) * 3;
      out.data[a] = img.data[b]!;
      out.data[a + 1] = img.data[b + 1]!;
      out.data[a + 2] = img.data[b + 2]!;
    }
  }
  return out;
}

/** Stage 1.5: a local change in the face region (the face swap), in place. */
export function faceSwap(img: RawImage, face: Box, strength: number): void {
  const [x0, y0, x1, y1] = [
    face[0] * img.width,
    face[1] * img.height,
    face[2] * img.width,
    face[3] * img.height,
  ];
  const region = ellipseRegion(
    (x0 + x1) / 2,
    (y0 + y1) / 2,
    ((x1 - x0) / 2) * 1.05,
    ((y1 - y0) / 2) * 1.05,
    0.4,
  );
  // Only the region's rectangle is read by the blend: blur and tint just that.
  const mod = boxBlurRect(img, Math.max(1, Math.round((x1 - x0) * 0.025)), region);
  affineRgb(mod, [1.06, 1.01, 0.95], { offset: [6, 4, 2], rect: region });
  blendRegion(img, mod, region, strength);
}

/** Stage 2: 2× upscale with sharpening. */
export async function upscale(img: RawImage, sharpen: number): Promise<RawImage> {
  const up = await resizeRaw(img, { width: img.width * 2, height: img.height * 2 });
  return unsharp(up, Math.max(1, Math.round(up.width / 1024)), sharpen);
}

/** Stage 3: to 3× of stage1 with local contrast and saturation ("enhance"). */
export async function enhance(img: RawImage, strength: number): Promise<RawImage> {
  const up = await resizeRaw(img, {
    width: Math.round(img.width * 1.5),
    height: Math.round(img.height * 1.5),
  });
  const out = unsharp(up, Math.max(2, Math.round(up.width / 200)), strength * 0.9);
  const sat = 1 + strength * 0.35;
  saturate(out, sat);
  return out;
}

/** Other characters' faces, for the `face_mismatch` defect. */
export function otherFaces(photos: PhotoSet, except: string): FaceSource[] {
  const out: FaceSource[] = [];
  for (const [name, c] of photos.characters) {
    if (name === except) continue;
    const f = c.info.face;
    out.push({
      image: c.image,
      face: [
        f[0] / c.image.width,
        f[1] / c.image.height,
        f[2] / c.image.width,
        f[3] / c.image.height,
      ],
    });
  }
  return out;
}

/**
 * Render every member of a group, in member order.
 *
 * @param plan The group.
 * @param photos Decoded photos.
 * @param skipDefects Render the clean variants (for tests and comparisons).
 */
export async function renderGroup(
  plan: GroupPlan,
  photos: PhotoSet,
  skipDefects = false,
): Promise<RawImage[]> {
  const base = await renderScene(plan, photos);
  const faces = otherFaces(photos, plan.character);
  const byStage = new Map<number, RawImage>();
  let prev = base;
  const wanted = new Set(plan.members.map((m) => m.stage));
  // Walk the full pipeline 1 → 1.5 → 2 → 3, keeping the stages this group has.
  for (const stage of [1, 1.5, 2, 3]) {
    const maxStage = Math.max(...wanted);
    if (stage > maxStage) break;
    let cur: RawImage;
    if (stage === 1) cur = base;
    else if (stage === 1.5) {
      if (!wanted.has(1.5)) continue;
      cur = clone(prev);
      faceSwap(cur, plan.face_box, plan.swap_strength);
    } else if (stage === 2) cur = await upscale(prev, plan.sharpen);
    else cur = await enhance(prev, plan.enhance);
    if (!skipDefects) {
      for (const d of plan.defects) if (d.origin_stage === stage) await applyDefect(cur, d, faces);
    }
    byStage.set(stage, cur);
    prev = cur;
  }
  return plan.members.map((m) => {
    const img = byStage.get(m.stage);
    if (!img) throw new RangeError(`Cannot render stage "${m.stage}" of "${plan.group_id}"`);
    return img;
  });
}
