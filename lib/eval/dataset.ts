/**
 * Build the training/evaluation dataset: ingested sets and crops joined
 * with image features, plus held-out ground truth (simulator) when given.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type {
  Box,
  CropLabel,
  GroupMemberInput,
  ImageFeatures,
  ImageRef,
  SelectionSet,
} from "../types.ts";
import type { RankGroup } from "../rank/mod.ts";
import type { CropExample } from "../crop/mod.ts";
import { CLIP_BLOCK } from "../clip/mod.ts";
import { imageKey } from "../paths/mod.ts";

/** A crop example with the key of the group it belongs to (for splits). */
export interface KeyedCrop {
  key: string;
  example: CropExample;
}

/** Everything training and evaluation read. */
export interface Dataset {
  groups: RankGroup[];
  crops: KeyedCrop[];
  /** Held-out test data (simulator ground truth); when absent, test is a split. */
  heldout?: { groups: RankGroup[]; crops: KeyedCrop[] };
  /** Counters: sets/crops skipped by reason. */
  skipped: Record<string, number>;
  /**
   * Which features the usable sets have (a set is counted where EVERY member
   * has the kind): `embedded` = the clip block, `pixels` = decoded features.
   */
  coverage?: SetCoverage;
}

/** Sets by the features every member has (see {@linkcode Dataset.coverage}). */
export interface SetCoverage {
  /** Usable sets. */
  sets: number;
  every_member_embedded: number;
  every_member_pixels: number;
  both: number;
}

/** The features every member of a set has: both, pixels only, or the clip embedding only. */
export type SetView = "both" | "pixels" | "embedding";

/**
 * What a set is ranked from, read off its members.
 *
 * @param members The set.
 * @returns Its view.
 * @example
 * ```ts
 * setView(group.members); // "embedding" for history whose rejected files are gone
 * ```
 */
export function setView(members: readonly GroupMemberInput[]): SetView {
  const pixels = members.every((m) => m.features.builtin.length > 0);
  const clip = members.every((m) => m.features.blocks?.[CLIP_BLOCK] !== undefined);
  return pixels && clip ? "both" : pixels ? "pixels" : "embedding";
}

/**
 * Features of an image known only by its imported embedding: no pixel
 * block (empty built-in, zero size), the clip block by identity.
 */
function clipOnly(identity: string, clip: Float32Array): ImageFeatures {
  return {
    sha256: `identity:${identity}`,
    width: 0,
    height: 0,
    phash: [0, 0],
    builtin: new Float32Array(0),
    embedding: null,
    blocks: { [CLIP_BLOCK]: clip },
  };
}

/** The same features with the clip block added (a copy: features are shared between sets). */
function withClip(f: ImageFeatures, clip: Float32Array): ImageFeatures {
  return { ...f, blocks: { ...(f.blocks ?? {}), [CLIP_BLOCK]: clip } };
}

/** The same features without the clip block. */
function withoutClip(f: ImageFeatures): ImageFeatures {
  if (!f.blocks?.[CLIP_BLOCK]) return f;
  const { [CLIP_BLOCK]: _drop, ...rest } = f.blocks;
  return { ...f, blocks: rest };
}

/** Options for {@linkcode buildDataset}. */
export interface BuildDatasetOptions {
  /** Where a logged image lives on disk (default: `<dir>/<filename>` under `imagesRoot`). */
  resolve?: (ref: ImageRef) => string;
  imagesRoot?: string;
  /**
   * Imported clip vectors by identity (`<project>/<file name>`): a member
   * whose file is gone still takes part through its embedding.
   */
  clipByIdentity?: ReadonlyMap<string, Float32Array>;
}

const defaults = {
  imagesRoot: ".",
  clipByIdentity: new Map(),
} satisfies Omit<Required<BuildDatasetOptions>, "resolve">;

function member(
  path: string,
  project: string,
  stage: number | null,
  f: ImageFeatures,
): GroupMemberInput {
  return { path, project, stage, width: f.width, height: f.height, features: f };
}

/** The disk paths a store's labels refer to (to embed them first). */
export function datasetPaths(
  store: { selections: SelectionSet[]; crops: CropLabel[] },
  options: BuildDatasetOptions = {},
): string[] {
  const o = { ...defaults, ...options };
  const resolve = o.resolve ?? ((r: ImageRef) => join(o.imagesRoot, r.dir, r.filename));
  const out = new Set<string>();
  for (const s of store.selections) for (const r of [s.chosen, ...s.rejected]) out.add(resolve(r));
  for (const c of store.crops) out.add(resolve(c.image));
  return [...out].sort();
}

/**
 * Join labels with features. Members are ordered by filename so the pick's
 * position carries no signal; duplicate sets (same members) are kept once.
 *
 * @param store Ingested selections and crops.
 * @param features Features by disk path.
 * @param options Path resolution.
 * @returns The dataset (without held-out data).
 * @example
 * ```ts
 * const ds = buildDataset(await readIngested("data/ingested"), byPath, { imagesRoot: "sim/images" });
 * ```
 */
export function buildDataset(
  store: { selections: SelectionSet[]; crops: CropLabel[] },
  features: Map<string, ImageFeatures>,
  options: BuildDatasetOptions = {},
): Dataset {
  const o = { ...defaults, ...options };
  const resolve = o.resolve ?? ((r: ImageRef) => join(o.imagesRoot, r.dir, r.filename));
  const skipped: Record<string, number> = {};
  const bump = (k: string) => (skipped[k] = (skipped[k] ?? 0) + 1);
  const coverage: SetCoverage = {
    sets: 0,
    every_member_embedded: 0,
    every_member_pixels: 0,
    both: 0,
  };
  const groups: RankGroup[] = [];
  const seen = new Set<string>();
  const keyOfPath = new Map<string, string>();
  for (const s of store.selections) {
    const refs = [s.chosen, ...s.rejected].sort((a, b) => a.filename.localeCompare(b.filename));
    if (refs.length < 2) {
      bump("set_single_member");
      continue;
    }
    const paths = refs.map(resolve);
    const id = `${s.project}:${[...paths].sort().join("|")}`;
    if (seen.has(id)) {
      bump("set_duplicate");
      continue;
    }
    const fs = members(refs, paths, features, o.clipByIdentity);
    if (fs === null) {
      bump("set_missing_features");
      continue;
    }
    const view = setView(fs.map((f) => ({ features: f }) as GroupMemberInput));
    coverage.sets++;
    if (view !== "pixels") coverage.every_member_embedded++;
    if (view !== "embedding") coverage.every_member_pixels++;
    if (view === "both") coverage.both++;
    seen.add(id);
    const key = `${s.project}:${resolve(s.chosen)}`;
    for (const p of paths) keyOfPath.set(p, key);
    groups.push({
      id: key,
      project: s.project,
      members: refs.map((r, i) => member(paths[i]!, s.project, r.stage, fs[i]!)),
      chosen: refs.indexOf(s.chosen),
    });
  }
  const crops: KeyedCrop[] = [];
  for (const c of store.crops) {
    const path = resolve(c.image);
    const found = features.get(path);
    const id = imageKey(c.image);
    const clip = id === null ? undefined : o.clipByIdentity.get(id);
    const f = found && clip && !found.blocks?.[CLIP_BLOCK] ? withClip(found, clip) : found;
    if (!f) {
      bump("crop_missing_features");
      continue;
    }
    crops.push({
      key: keyOfPath.get(path) ?? `${c.project}:${path}`,
      example: {
        member: member(path, c.project, c.image.stage, f),
        box: c.box,
        no_crop: c.no_crop,
      },
    });
  }
  return { groups, crops, skipped, coverage };
}

/**
 * One set's member features in the view every member shares: pixel
 * features where every file exists (plus the clip block where every member
 * has one), else the clip block alone — a set never mixes decoded and
 * embedding-only members, so "has pixels" cannot give the pick away (the
 * chosen files survive, the rejected ones were deleted). Null when some
 * member has neither.
 */
function members(
  refs: ImageRef[],
  paths: string[],
  features: Map<string, ImageFeatures>,
  clipByIdentity: ReadonlyMap<string, Float32Array>,
): ImageFeatures[] | null {
  const found = paths.map((p) => features.get(p));
  const clips = refs.map((r, i) => {
    const own = found[i]?.blocks?.[CLIP_BLOCK];
    if (own) return own;
    const id = imageKey(r);
    return id === null ? undefined : clipByIdentity.get(id);
  });
  const allClip = clips.every((c) => c !== undefined);
  if (found.every((f) => f !== undefined)) {
    return found.map((f, i) => allClip ? withClip(f!, clips[i]!) : withoutClip(f!));
  }
  if (!allClip) return null;
  return refs.map((r, i) => clipOnly(imageKey(r) ?? paths[i]!, clips[i]!));
}

/** A ground-truth record of the simulator (the fields read here). */
export interface GroundTruthLike {
  group_id: string;
  project: string;
  split: string;
  members: { path: string; stage: number }[];
  chosen_index: number;
  needs_crop: boolean;
  crop_box: Box | null;
}

/**
 * Held-out groups and crops from simulator ground truth.
 *
 * @param records Ground-truth records (only `split: "heldout"` are used).
 * @param features Features by disk path.
 * @param root Folder the record paths are relative to.
 * @returns Groups, crops (every held-out pick), skipped counts.
 * @example
 * ```ts
 * heldoutFromGroundTruth(records, byPath, simDir);
 * ```
 */
export function heldoutFromGroundTruth(
  records: GroundTruthLike[],
  features: Map<string, ImageFeatures>,
  root: string,
): { groups: RankGroup[]; crops: KeyedCrop[]; skipped: number } {
  const groups: RankGroup[] = [];
  const crops: KeyedCrop[] = [];
  let skipped = 0;
  for (const r of records) {
    if (r.split !== "heldout") continue;
    const paths = r.members.map((m) => join(root, m.path));
    const fs = paths.map((p) => features.get(p));
    if (fs.some((f) => !f)) {
      skipped++;
      continue;
    }
    const members = r.members.map((m, i) => member(paths[i]!, r.project, m.stage, fs[i]!));
    const id = `${r.project}:${r.group_id}`;
    if (members.length >= 2) {
      groups.push({ id, project: r.project, members, chosen: r.chosen_index });
    }
    const chosen = members[r.chosen_index];
    if (chosen) {
      crops.push({
        key: id,
        example: {
          member: chosen,
          box: r.needs_crop && r.crop_box ? r.crop_box : [0, 0, 1, 1],
          no_crop: !r.needs_crop,
        },
      });
    }
  }
  return { groups, crops, skipped };
}

/** Content hash of a dataset's labels (paths, picks, boxes). */
export function datasetHash(ds: Dataset): string {
  const h = createHash("sha256");
  for (const g of ds.groups) {
    h.update(`${g.id}|${g.chosen}|${g.members.map((m) => m.path).join(",")}\n`);
  }
  for (const c of ds.crops) {
    h.update(`${c.key}|${c.example.member.path}|${c.example.box.join(",")}\n`);
  }
  return h.digest("hex");
}
