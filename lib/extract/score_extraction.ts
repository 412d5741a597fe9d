/**
 * Scoring an extraction against the simulator's raw/final ground truth.
 *
 * @module
 */
import { basename } from "../paths/mod.ts";
import type { ExtractedGroup } from "./types.ts";
import { iou } from "../math/mod.ts";

/** The part of a `raw_final/ground_truth.jsonl` record that scoring reads. */
export interface TruthRecord {
  raw_paths: string[];
  /** Index of the delivered member; null or -1 when every member was rejected. */
  chosen_index: number | null;
  /** Box in raw pixels; null when delivered uncropped. */
  crop_px: [number, number, number, number] | null;
}

/** Agreement figures of {@linkcode scoreExtraction}. */
export interface ExtractionScore {
  /** Ground-truth groups. */
  groups: number;
  /** Groups whose extracted outcome (chosen member or all rejected) equals the truth. */
  agree: number;
  agreement: number;
  /** Disagreements by kind (`missing_group`, `wrong_choice`, `ambiguous`, …). */
  disagreements: Record<string, number>;
  /** Truly cropped groups with a recovered box, and their IoU with the true box. */
  crops_compared: number;
  crops_missing: number;
  mean_iou: number | null;
  min_iou: number | null;
}

/** Options for {@linkcode scoreExtraction} (none yet). */
export interface ScoreExtractionOptions {
  /** Only score the first n truth records (null: all). */
  limit?: number | null;
}

const defaults = { limit: null } satisfies Required<ScoreExtractionOptions>;

/**
 * Compare extracted groups with ground truth (matched by member file names).
 *
 * @param groups What `extractHistory` returned.
 * @param truth Ground-truth records.
 * @param options Optional limit.
 * @returns Agreement and crop IoU.
 * @example
 * ```ts
 * declare const groups: Parameters<typeof scoreExtraction>[0], truth: Parameters<typeof scoreExtraction>[1];
 * const s = scoreExtraction(groups, truth);
 * console.log(s.agreement, s.mean_iou);
 * ```
 */
export function scoreExtraction(
  groups: readonly ExtractedGroup[],
  truth: readonly TruthRecord[],
  options: ScoreExtractionOptions = {},
): ExtractionScore {
  const o = { ...defaults, ...options };
  const byFirst = new Map(groups.map((g) => [basename(g.members[0]!), g]));
  const recs = o.limit === null ? truth : truth.slice(0, o.limit);
  const dis: Record<string, number> = {};
  const bump = (k: string): void => {
    dis[k] = (dis[k] ?? 0) + 1;
  };
  let agree = 0, missing = 0;
  const ious: number[] = [];
  for (const t of recs) {
    const g = byFirst.get(basename(t.raw_paths[0]!));
    if (g === undefined || g.members.length !== t.raw_paths.length) {
      bump("missing_group");
      continue;
    }
    const rejected = t.chosen_index === null || t.chosen_index < 0;
    if (rejected) {
      if (g.status === "all_rejected") agree++;
      else bump("rejected_as_chosen");
      continue;
    }
    if (g.status !== "chosen") {
      bump(g.status);
      continue;
    }
    const want = basename(t.raw_paths[t.chosen_index!]!);
    if (basename(g.members[g.chosen_index!]!) !== want) {
      bump("wrong_choice");
      continue;
    }
    agree++;
    if (t.crop_px !== null) {
      if (g.crop?.status === "recovered" && g.crop.box !== null) {
        ious.push(iou(g.crop.box, t.crop_px));
      } else missing++;
    }
  }
  return {
    groups: recs.length,
    agree,
    agreement: recs.length === 0 ? 1 : agree / recs.length,
    disagreements: dis,
    crops_compared: ious.length,
    crops_missing: missing,
    mean_iou: ious.length === 0 ? null : ious.reduce((a, b) => a + b, 0) / ious.length,
    min_iou: ious.length === 0 ? null : Math.min(...ious),
  };
}
