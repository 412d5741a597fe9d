/**
 * The two grouping scores `evaluate` reports: with the creator's stage names,
 * and with them stripped (content only).
 *
 * @module
 */
import { basename, stageToken } from "../paths/mod.ts";
import type { ContentFile } from "./group_by_content.ts";
import { groupImages, type GroupImagesOptions } from "./group_images.ts";
import { type GroupingScore, scoreGrouping } from "./score_grouping.ts";

/** Options for {@linkcode evaluateGrouping}. */
export interface EvaluateGroupingOptions {
  /** Grouping options for both runs. */
  grouping?: GroupImagesOptions;
}

const defaults = { grouping: {} } satisfies Required<EvaluateGroupingOptions>;

/** Both scores, plus how many groups each run found. */
export interface GroupingEvaluation {
  stage_names: GroupingScore & { groups: number };
  content_only: GroupingScore & { groups: number };
}

/**
 * Name without its stage token: `20250708_064118_stage2_upscaled.png` →
 * `20250708_064118.png` (the timestamp stays, as in a camera folder).
 *
 * @param path A path.
 * @returns The path with the stage token removed from its base name.
 * @example
 * ```ts
 * stripStageName("d/20250708_064118_stage2_upscaled.png"); // "d/20250708_064118.png"
 * ```
 */
export function stripStageName(path: string): string {
  const token = stageToken(path);
  if (token === null) return path;
  const base = basename(path);
  const dir = path.slice(0, path.length - base.length);
  const stripped = base.replace(`_${token}`, "").replace(token, "");
  // A name that was only the token keeps it (an empty stem is no file name).
  return dir + (stripped.startsWith(".") ? base : stripped);
}

/**
 * Score grouping against true groups twice: as named (tier 1 + tier 2), and
 * with stage names stripped so only content can group (tier 2 alone).
 *
 * @param files Every image of the truth groups with its cached features.
 * @param truth True groups (paths as in `files`).
 * @param options Grouping options.
 * @returns Pairwise precision/recall/F1 for both runs.
 * @example
 * ```ts
 * declare const files: Parameters<typeof evaluateGrouping>[0], truthGroups: string[][];
 * const { stage_names, content_only } = evaluateGrouping(files, truthGroups);
 * ```
 */
export function evaluateGrouping(
  files: readonly ContentFile[],
  truth: readonly (readonly string[])[],
  options: EvaluateGroupingOptions = {},
): GroupingEvaluation {
  const opts = { ...defaults, ...options };
  const named = groupImages(files, opts.grouping);
  // Content only: strip the stage token; keep a unique name per file.
  const back = new Map<string, string>();
  const stripped = files.map((f, i) => {
    let p = stripStageName(f.path);
    if (back.has(p)) p = p.replace(/(\.[^./]+)$/, `_${i}$1`);
    back.set(p, f.path);
    return { ...f, path: p };
  });
  const content = groupImages(stripped, { ...opts.grouping, stageRuns: false });
  const restore = (g: { members: string[] }): string[] => g.members.map((p) => back.get(p) ?? p);
  return {
    stage_names: {
      ...scoreGrouping(named.groups.map((g) => g.members), truth),
      groups: named.groups.length,
    },
    content_only: {
      ...scoreGrouping(content.groups.map(restore), truth),
      groups: content.groups.length,
    },
  };
}
