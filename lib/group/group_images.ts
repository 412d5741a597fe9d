/**
 * The grouping API decide and extract share: tier 1 stage runs, then tier 2
 * content grouping for everything left over.
 *
 * @module
 */
import type { GroupingKind } from "../types.ts";
import { basename, parseStage } from "../paths/mod.ts";
import { cosine } from "../math/mod.ts";
import { findStageRuns, type FindStageRunsOptions, STAGE_RUN_DEFAULTS } from "./find_stage_runs.ts";
import {
  CONTENT_DEFAULTS,
  type ContentFile,
  groupByContent,
  type GroupByContentOptions,
} from "./group_by_content.ts";

/** Options for {@linkcode groupImages}: both tiers' knobs plus tier switches. */
export interface GroupImagesOptions extends FindStageRunsOptions, GroupByContentOptions {
  /** Use filename stage runs (tier 1); false groups by content only. */
  stageRuns?: boolean;
  /** Group leftovers by content (tier 2). */
  content?: boolean;
  /**
   * Tier 1 content check: when both files have embeddings, link stages only
   * if their cosine is ≥ this (null: names and times alone decide).
   */
  stageLinkCosineMin?: number | null;
}

const defaults = {
  ...STAGE_RUN_DEFAULTS,
  ...CONTENT_DEFAULTS,
  stageRuns: true,
  content: true,
  stageLinkCosineMin: null,
} satisfies Omit<Required<GroupImagesOptions>, "stages"> & { stages: undefined };

/** One group of images to decide between. */
export interface ImageGroup {
  kind: GroupingKind;
  /** Paths as given, ordered by stage (unknown last), then name. */
  members: string[];
  /** True when the group came from splitting a component larger than `maxGroupSize`. */
  split: boolean;
}

/** Result of {@linkcode groupImages}. */
export interface Grouping {
  groups: ImageGroup[];
  /** Files in no group: nothing to decide. */
  singletons: string[];
  /** Groups by kind, plus singletons and split groups. */
  counts: Record<GroupingKind | "singletons" | "split", number>;
}

/**
 * Group images: stage runs by filename first (tier 1), then exact duplicates
 * and visual variants among the rest (tier 2). Pure: works on paths and
 * cached features, no file access.
 *
 * @param files Paths with cached features (sha256, pHash, embedding) where known.
 * @param options Tier switches and thresholds (see `STAGE_RUN_DEFAULTS`, `CONTENT_DEFAULTS`).
 * @returns Groups (≥ 2 members each), singletons and counts.
 * @example
 * ```ts
 * declare const paths: string[];
 * const { groups, singletons } = groupImages(paths.map((path) => ({ path })));
 * ```
 */
export function groupImages(
  files: readonly ContentFile[],
  options: GroupImagesOptions = {},
): Grouping {
  const opts = { ...defaults, ...options };
  const stageOpts = opts.stages ? { stages: opts.stages } : {};
  const groups: ImageGroup[] = [];
  let rest: readonly ContentFile[] = files;
  if (opts.stageRuns) {
    const byPath = new Map(files.map((f) => [f.path, f]));
    const min = opts.stageLinkCosineMin;
    const canLink = min === null ? opts.canLink : (a: string, b: string): boolean => {
      const ea = byPath.get(a)?.embedding, eb = byPath.get(b)?.embedding;
      const ok = !ea || !eb || cosine(ea, eb) >= min;
      return ok && (opts.canLink === null || opts.canLink(a, b));
    };
    const { runs, leftover } = findStageRuns(files.map((f) => f.path), { ...opts, canLink });
    for (const run of runs) groups.push({ kind: "stage_run", members: run, split: false });
    rest = leftover.map((p) => byPath.get(p)!);
  }
  let singletons: string[] = rest.map((f) => f.path);
  if (opts.content) {
    const content = groupByContent(rest, opts);
    groups.push(...content.groups);
    singletons = content.singletons;
  }
  for (const g of groups) {
    if (g.kind !== "stage_run") g.members = orderMembers(g.members, stageOpts);
  }
  const counts = { stage_run: 0, exact_duplicate: 0, variant: 0, singletons: 0, split: 0 };
  for (const g of groups) {
    counts[g.kind]++;
    if (g.split) counts.split++;
  }
  counts.singletons = singletons.length;
  return { groups, singletons: singletons.sort(), counts };
}

function orderMembers(paths: string[], stageOpts: Parameters<typeof parseStage>[1]): string[] {
  const keyed = paths.map((p) => ({ p, s: parseStage(basename(p), stageOpts), n: basename(p) }));
  keyed.sort((a, b) =>
    (a.s ?? Infinity) - (b.s ?? Infinity) || (a.n < b.n ? -1 : a.n > b.n ? 1 : a.p < b.p ? -1 : 1)
  );
  return keyed.map((k) => k.p);
}
