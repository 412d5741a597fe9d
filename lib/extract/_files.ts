/**
 * File helpers of lib/extract: recursive image listing, greyscale loading and
 * a crop-robust colour histogram for the content prefilter.
 *
 * @module
 */
import { probe, readRaw } from "../image/mod.ts";
import { isImageName } from "../paths/mod.ts";
import type { GreyImage } from "./find_crop_box.ts";

/** Image files under `dir` (recursive), as paths relative to `dir`, sorted. */
export async function listImagesRecursive(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(rel === "" ? dir : `${dir}/${rel}`)) entries.push(e);
    for (const e of entries) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile && isImageName(e.name)) out.push(p);
    }
  };
  await walk("");
  return out.sort();
}

/** Decode a file to full-resolution grey; null when it cannot be decoded. */
export async function loadGrey(path: string): Promise<GreyImage | null> {
  try {
    const img = await readRaw(path, { channels: 1 });
    return { data: img.data, width: img.width, height: img.height };
  } catch {
    return null;
  }
}

/** Decode a file to a greyscale thumbnail (longest side `side`); null when undecodable. */
export async function loadThumb(path: string, side: number): Promise<GreyImage | null> {
  try {
    const img = await readRaw(path, {
      channels: 1,
      resize: { width: side, height: side, fit: "inside", kernel: "linear" },
    });
    return { data: img.data, width: img.width, height: img.height };
  } catch {
    return null;
  }
}

/** Dimensions from the header; null when unreadable. */
export async function dims(path: string): Promise<{ width: number; height: number } | null> {
  try {
    const p = await probe(path);
    return p.width > 0 && p.height > 0 ? { width: p.width, height: p.height } : null;
  } catch {
    return null;
  }
}

/** 4×4×4 RGB histogram of the central 80% (normalised); null when undecodable. */
export async function colourHistogram(path: string): Promise<Float32Array | null> {
  let img;
  try {
    img = await readRaw(path, { channels: 3, resize: { width: 40, height: 40, fit: "fill" } });
  } catch {
    return null;
  }
  const h = new Float32Array(64);
  let n = 0;
  for (let y = 4; y < 36; y++) {
    for (let x = 4; x < 36; x++) {
      const i = (y * 40 + x) * 3;
      const k = ((img.data[i]! >> 6) << 4) | ((img.data[i + 1]! >> 6) << 2) |
        (img.data[i + 2]! >> 6);
      h[k]!++;
      n++;
    }
  }
  for (let k = 0; k < 64; k++) h[k]! /= n;
  return h;
}

/** L1 distance of two histograms. */
export function histDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k]! - b[k]!);
  return s;
}
