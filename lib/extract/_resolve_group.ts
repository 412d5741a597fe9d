/**
 * Per-group resolution: survivors (none, one, several) and the chosen
 * member's crop box, bounds- and aspect-checked.
 *
 * @module
 */
import { stemOf } from "../paths/mod.ts";
import { dims, loadGrey } from "./_files.ts";
import { type CropMatch, findCropBox } from "./find_crop_box.ts";
import type { ExtractedGroup, ExtractOptions, FinalMatch } from "./types.ts";

/** Resolve one group from its name and content matches. */
export async function resolveGroup(
  id: string,
  members: string[],
  rawDir: string,
  finalDir: string,
  finalsByStem: Map<string, string[]>,
  contentMatches: Map<string, FinalMatch[]>,
  o: Required<ExtractOptions>,
): Promise<ExtractedGroup> {
  const sizes = await Promise.all(members.map((p) => dims(`${rawDir}/${p}`)));
  const survivors: {
    index: number;
    final: string;
    via: "name" | "content";
    match: CropMatch | null;
  }[] = [];
  for (const [i, p] of members.entries()) {
    for (const f of finalsByStem.get(stemOf(p)) ?? []) {
      survivors.push({ index: i, final: f, via: "name", match: null });
    }
    for (const m of contentMatches.get(p) ?? []) {
      survivors.push({ index: i, final: m.final, via: "content", match: m.match });
    }
  }
  const base = {
    group_id: id,
    members,
    sizes,
    reason: null,
    chosen_index: null,
    via: null,
    final_path: null,
    character: null,
    crop: null,
  };
  if (survivors.length === 0) return { ...base, status: "all_rejected" };
  const indices = new Set(survivors.map((s) => s.index));
  if (indices.size > 1) return { ...base, status: "ambiguous", reason: "two_survivors" };
  const s = survivors[0]!;
  // One member delivered twice (e.g. by name and again renamed): chosen, but counted.
  const twice = survivors.length > 1 ? "delivered_twice" : null;
  const parts = s.final.split("/");
  const character = parts.length > 1 ? parts[0]! : null;
  const chosen = {
    ...base,
    status: "chosen" as const,
    chosen_index: s.index,
    via: s.via,
    final_path: s.final,
    character,
    reason: twice,
  };
  const size = sizes[s.index];
  if (size === null || size === undefined) {
    return {
      ...chosen,
      crop: { status: "failed", box: null, score: null, mad: null, reason: "corrupt_raw" },
    };
  }
  const fsize = await dims(`${finalDir}/${s.final}`);
  if (fsize === null) {
    return {
      ...chosen,
      crop: { status: "failed", box: null, score: null, mad: null, reason: "corrupt_final" },
    };
  }
  if (fsize.width === size.width && fsize.height === size.height) {
    return {
      ...chosen,
      crop: {
        status: "full_frame",
        box: [0, 0, size.width, size.height],
        score: null,
        mad: null,
        reason: null,
      },
    };
  }
  let match = s.match;
  if (match === null) {
    const [rg, fg] = await Promise.all([
      loadGrey(`${rawDir}/${members[s.index]!}`),
      loadGrey(`${finalDir}/${s.final}`),
    ]);
    if (rg === null || fg === null) {
      const reason = rg === null ? "corrupt_raw" : "corrupt_final";
      return { ...chosen, crop: { status: "failed", box: null, score: null, mad: null, reason } };
    }
    match = findCropBox(rg, fg);
  }
  if (match === null) {
    return {
      ...chosen,
      crop: { status: "failed", box: null, score: null, mad: null, reason: "no_fit" },
    };
  }
  const check = checkBox(match.box, size, fsize);
  const score = Math.round(match.score * 10000) / 10000;
  const mad = match.mad === null ? null : Math.round(match.mad * 100) / 100;
  if (check !== null) {
    return { ...chosen, crop: { status: "failed", box: match.box, score, mad, reason: check } };
  }
  const ok = match.score >= o.minCropScore;
  return {
    ...chosen,
    crop: {
      status: ok ? "recovered" : "low_score",
      box: match.box,
      score,
      mad,
      reason: ok ? null : "low_score",
    },
  };
}

/** Bounds and aspect check of a recovered box; null when fine, else the reason. */
function checkBox(
  box: [number, number, number, number],
  raw: { width: number; height: number },
  delivered: { width: number; height: number },
): string | null {
  const [x1, y1, x2, y2] = box;
  if (x1 < 0 || y1 < 0 || x2 > raw.width || y2 > raw.height || x2 <= x1 || y2 <= y1) {
    return "out_of_bounds";
  }
  const a = (x2 - x1) / (y2 - y1), b = delivered.width / delivered.height;
  // Rounding to whole pixels moves the aspect by at most ~1 px over the short side.
  const tol = 0.02 + 2 / Math.min(y2 - y1, x2 - x1);
  return Math.abs(a / b - 1) > tol ? "aspect_mismatch" : null;
}
