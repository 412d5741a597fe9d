/**
 * Content matching of a renamed deliverable against a project's raw images:
 * thumbnail prefilter, then full-size verification (pixel-exact wins).
 *
 * @module
 */
import { loadGrey, loadThumb } from "./_files.ts";
import { type CropMatch, findCropBox, type GreyImage } from "./find_crop_box.ts";
import type { ExtractOptions } from "./types.ts";

/** Longest side of the prefilter thumbnails. */
export const THUMB_SIDE = 64;
/** A raw image's thumbnail and its full width. */
export interface Thumb {
  grey: GreyImage;
  width: number;
}
/** A pixel-exact crop (PNG ≈ 0, JPEG re-encode a few grey levels). */
const EXACT_MAD = 6;

/** Find the raw image a delivered file was cut from; null with a reason when none or ambiguous. */
export async function matchByContent(
  rawDir: string,
  finalDir: string,
  final: string,
  passes: string[][],
  io: { thumb: (p: string) => Promise<Thumb | null>; siblings: (p: string) => string[] },
  o: Required<ExtractOptions>,
): Promise<{ raw: string | null; match: CropMatch | null; reason: string | null }> {
  const fg = await loadGrey(`${finalDir}/${final}`);
  const ft = fg === null ? null : await loadThumb(`${finalDir}/${final}`, THUMB_SIDE);
  if (fg === null || ft === null) return { raw: null, match: null, reason: "corrupt" };
  const done = new Set<string>(), verified = new Set<string>();
  const scored: { raw: string; match: CropMatch }[] = [];
  const exact = (m: CropMatch): boolean => m.mad !== null && m.mad <= EXACT_MAD;
  // Rank: pixel-exact crops first (lowest difference), then correlation.
  const err = (m: CropMatch): number => exact(m) ? m.mad! / 255 - 1 : -m.score;
  for (const pass of passes) {
    // Prefilter on thumbnails (multi-scale match at 64 px), then verify the best few at full size.
    const pre: { p: string; s: number }[] = [];
    for (const p of pass) {
      if (done.has(p)) continue;
      done.add(p);
      const t = await io.thumb(p);
      if (t === null) continue;
      // The unscaled hypothesis (delivered pixels = raw pixels) gives the box width to try first.
      const m = findCropBox(t.grey, ft, {
        coarseSide: 24,
        fineSide: THUMB_SIDE,
        scales: 8,
        hintWidth: fg.width * (t.grey.width / t.width),
      });
      if (m !== null) pre.push({ p, s: m.score });
    }
    pre.sort((a, b) => b.s - a.s);
    // Stage variants of a top candidate are verified too: thumbnails barely tell them apart.
    const verify = new Set(pre.slice(0, o.candidates).flatMap(({ p }) => io.siblings(p)));
    // Cheap pass (unscaled width only) over every candidate; the multi-scale search only when none is exact.
    const grey = new Map<string, GreyImage>();
    for (const p of verify) {
      if (verified.has(p)) continue;
      verified.add(p);
      const rg = await loadGrey(`${rawDir}/${p}`);
      if (rg === null) continue;
      grey.set(p, rg);
      const m = findCropBox(rg, fg, { multiScale: false });
      if (m !== null) scored.push({ raw: p, match: m });
    }
    if (!scored.some((x) => exact(x.match))) {
      for (const [p, rg] of grey) {
        const at = scored.findIndex((x) => x.raw === p);
        if (at >= 0) scored.splice(at, 1);
        const m = findCropBox(rg, fg);
        if (m !== null) scored.push({ raw: p, match: m });
      }
    }
    scored.sort((a, b) => err(a.match) - err(b.match));
    if (scored[0] !== undefined && exact(scored[0].match)) break;
  }
  const best = scored[0];
  if (best === undefined || best.match.score < o.minMatchScore) {
    return { raw: null, match: null, reason: "no_match" };
  }
  const second = scored[1];
  if (second !== undefined && second.match.score >= o.minMatchScore) {
    const bothExact = exact(best.match) && exact(second.match);
    const neither = !exact(best.match) && !exact(second.match);
    const close = bothExact
      ? second.match.mad! - best.match.mad! < 1
      : neither && best.match.score - second.match.score < o.ambiguityMargin;
    if (close) return { raw: null, match: null, reason: "ambiguous" };
  }
  return { raw: best.raw, match: best.match, reason: null };
}
