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
import { imageIdentity } from "../paths/mod.ts";
import { CLIP_BLOCK } from "../clip/mod.ts";
import {
  type Coverage,
  CoverageTally,
  cropKind,
  type ImageResolver,
  type LabelKind,
  rootResolver,
} from "../eval/mod.ts";

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
  /** Labels per kind and project: found, missing (with examples), used. */
  coverage?: Coverage;
  /**
   * Usable sets by the features every member has (`embedded` = the clip
   * block, `pixels` = decoded features): history whose rejected files are
   * gone is ranked from the imported embeddings alone.
   */
  views?: SetViews;
}

/** Sets by the features every member has (see {@linkcode Dataset.views}). */
export interface SetViews {
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
 * import type { GroupMemberInput } from "../types.ts";
 * declare const group: { members: GroupMemberInput[] };
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
  /** Finds each logged image: by identity in an index ({@linkcode indexResolver}) or under one root. */
  resolver?: ImageResolver;
  /** Where a logged image lives on disk (overrides `resolver`; legacy). */
  resolve?: (ref: ImageRef) => string;
  /** With neither: `<imagesRoot>/<dir>/<filename>`. */
  imagesRoot?: string;
  /**
   * Loss weight of review labels (approved and overridden decisions): the
   * creator's newest taste counts more than old history.
   */
  reviewWeight?: number;
  /**
   * Imported clip vectors by identity (`<project>/<file name>`): a member
   * whose file is gone still takes part through its embedding.
   */
  clipByIdentity?: ReadonlyMap<string, Float32Array>;
}

/** Default loss weight of a review label. */
export const REVIEW_WEIGHT = 2;

const defaults = {
  imagesRoot: ".",
  reviewWeight: REVIEW_WEIGHT,
  clipByIdentity: new Map<string, Float32Array>(),
} satisfies Omit<
  Required<BuildDatasetOptions>,
  "resolve" | "resolver"
>;

function resolverOf(o: BuildDatasetOptions): ImageResolver {
  if (o.resolve !== undefined) {
    const f = o.resolve;
    return { lookedIn: ["(custom resolver)"], resolve: (r) => ({ kind: "found", path: f(r) }) };
  }
  return o.resolver ?? rootResolver(o.imagesRoot ?? defaults.imagesRoot);
}

function member(
  path: string,
  project: string,
  stage: number | null,
  f: ImageFeatures,
): GroupMemberInput {
  return { path, project, stage, width: f.width, height: f.height, features: f };
}

/**
 * The disk paths a store's labels refer to (to embed them first); images
 * not found are left out (buildDataset counts them).
 */
export function datasetPaths(
  store: { selections: SelectionSet[]; crops: CropLabel[] },
  options: BuildDatasetOptions = {},
): string[] {
  const resolver = resolverOf(options);
  const out = new Set<string>();
  const add = (r: ImageRef, project: string) => {
    const hit = resolver.resolve(r, project);
    if (hit.kind === "found") out.add(hit.path);
  };
  for (const s of store.selections) for (const r of [s.chosen, ...s.rejected]) add(r, s.project);
  for (const c of store.crops) add(c.image, c.project);
  return [...out].sort();
}

/**
 * Join labels with features. Images are found by identity (project, file
 * name) when `resolver` is an index; groups and crops are keyed by the
 * identity of the pick, so splits do not move when an image root does.
 * Members are ordered by filename so the pick's position carries no
 * signal; duplicate sets (same members) are kept once. Review labels carry
 * `reviewWeight`.
 *
 * @param store Ingested selections and crops.
 * @param features Features by disk path.
 * @param options Image resolution, review weight.
 * @returns The dataset (without held-out data) with its coverage.
 * @example
 * ```ts
 * import { readIngested } from "../logs/mod.ts";
 * import { indexResolver } from "../eval/mod.ts";
 * import type { ImageIndex } from "../paths/mod.ts";
 * import type { ImageFeatures } from "../types.ts";
 * declare const byPath: Map<string, ImageFeatures>, index: ImageIndex;
 * const ds = buildDataset(await readIngested("data/ingested"), byPath, { resolver: indexResolver(index) });
 * ds.coverage?.kinds.crop?.usable;
 * ```
 */
export function buildDataset(
  store: { selections: SelectionSet[]; crops: CropLabel[] },
  features: Map<string, ImageFeatures>,
  options: BuildDatasetOptions = {},
): Dataset {
  const o = { ...defaults, ...options };
  const resolver = resolverOf(options);
  const tally = new CoverageTally(resolver.lookedIn);
  const skipped: Record<string, number> = {};
  const bump = (k: string) => (skipped[k] = (skipped[k] ?? 0) + 1);
  const groups: RankGroup[] = [];
  const views: SetViews = { sets: 0, every_member_embedded: 0, every_member_pixels: 0, both: 0 };
  const seen = new Set<string>();
  const keyOfIdentity = new Map<string, string>();
  // One image → the outcome, and an example when it was not usable.
  const find = (r: ImageRef, project: string, source: string) => {
    const hit = resolver.resolve(r, project);
    const identity = imageIdentity(project, r.filename);
    if (hit.kind === "found") {
      const f = features.get(hit.path);
      if (f) return { ok: true as const, path: hit.path, f };
      return {
        ok: false as const,
        why: "no_features" as const,
        example: { path: r.path, identity, source, looked: hit.path },
      };
    }
    const looked = hit.kind === "missing" ? hit.looked : `two files: ${hit.paths.join(", ")}`;
    return {
      ok: false as const,
      why: hit.kind === "missing" ? "missing" as const : "conflict" as const,
      example: { path: r.path, identity, source, looked },
    };
  };
  for (const s of store.selections) {
    const kind = s.kind as LabelKind;
    const source = `${s.source.file}:${s.source.line}`;
    const refs = [s.chosen, ...s.rejected].sort((a, b) => a.filename.localeCompare(b.filename));
    const found = refs.map((r) => find(r, s.project, source));
    const fs = viewOf(refs, s.project, found, o.clipByIdentity);
    const bad = found.find((x) => !x.ok);
    if (fs === null && bad !== undefined && !bad.ok) {
      bump(bad.why === "no_features" ? "set_missing_features" : `set_image_${bad.why}`);
      tally.add(kind, s.project, bad.why === "conflict" ? "conflict" : bad.why, bad.example);
      continue;
    }
    if (refs.length < 2) {
      bump("set_single_member");
      tally.add(kind, s.project, "found");
      continue;
    }
    // A member whose file is gone is known by its identity (its embedding stands in).
    const ok = found.map((x, i) =>
      x.ok ? x : { ok: true as const, path: imageIdentity(s.project, refs[i]!.filename) }
    );
    const id = `${s.project}:${ok.map((x) => x.path).sort().join("|")}`;
    if (seen.has(id)) {
      bump("set_duplicate");
      tally.add(kind, s.project, "found");
      continue;
    }
    seen.add(id);
    tally.add(kind, s.project, "usable");
    const view = setView(fs!.map((f) => ({ features: f }) as GroupMemberInput));
    views.sets++;
    if (view !== "pixels") views.every_member_embedded++;
    if (view !== "embedding") views.every_member_pixels++;
    if (view === "both") views.both++;
    const key = imageIdentity(s.project, s.chosen.filename);
    for (const r of refs) keyOfIdentity.set(imageIdentity(s.project, r.filename), key);
    const group: RankGroup = {
      id: key,
      project: s.project,
      members: refs.map((r, i) => member(ok[i]!.path, s.project, r.stage, fs![i]!)),
      chosen: refs.indexOf(s.chosen),
    };
    if (s.kind === "review") group.weight = o.reviewWeight;
    groups.push(group);
  }
  const crops: KeyedCrop[] = [];
  for (const c of store.crops) {
    const kind = cropKind(c);
    const hit = find(c.image, c.project, `${c.source.file}:${c.source.line}`);
    if (!hit.ok) {
      bump(hit.why === "no_features" ? "crop_missing_features" : `crop_image_${hit.why}`);
      tally.add(kind, c.project, hit.why, hit.example);
      continue;
    }
    tally.add(kind, c.project, "usable");
    const identity = imageIdentity(c.project, c.image.filename);
    const clip = o.clipByIdentity.get(identity);
    const example: CropExample = {
      member: member(
        hit.path,
        c.project,
        c.image.stage,
        clip && !hit.f.blocks?.[CLIP_BLOCK] ? withClip(hit.f, clip) : hit.f,
      ),
      box: c.box,
      no_crop: c.no_crop,
    };
    if (kind === "review_crop") example.weight = o.reviewWeight;
    crops.push({ key: keyOfIdentity.get(identity) ?? identity, example });
  }
  return { groups, crops, skipped, coverage: tally.result(), views };
}

/**
 * One set's member features in the view every member shares: pixel
 * features where every file was found (plus the clip block where every
 * member has one), else the clip block alone — a set never mixes decoded
 * and embedding-only members, so "has pixels" cannot give the pick away
 * (the chosen files survive, the rejected ones were deleted). Null when
 * some member has neither.
 */
function viewOf(
  refs: ImageRef[],
  project: string,
  found: ({ ok: true; f: ImageFeatures } | { ok: false })[],
  clipByIdentity: ReadonlyMap<string, Float32Array>,
): ImageFeatures[] | null {
  const clips = refs.map((r, i) => {
    const x = found[i]!;
    return (x.ok ? x.f.blocks?.[CLIP_BLOCK] : undefined) ??
      clipByIdentity.get(imageIdentity(project, r.filename));
  });
  const allClip = clips.every((c) => c !== undefined);
  if (found.every((x) => x.ok)) {
    return found.map((x, i) =>
      allClip ? withClip((x as { f: ImageFeatures }).f, clips[i]!) : withoutClip(
        (x as { f: ImageFeatures }).f,
      )
    );
  }
  if (!allClip) return null;
  return refs.map((r, i) => clipOnly(imageIdentity(project, r.filename), clips[i]!));
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
  /** Simulator extras (optional in other ground truth). */
  chosen_path?: string;
  outcome?: string;
  defect_kinds?: string[];
  /** Which taste rule a taste group shows (`sharpen`, `swap`). */
  taste_rule?: string;
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
 * import type { ImageFeatures } from "../types.ts";
 * declare const records: GroundTruthLike[], byPath: Map<string, ImageFeatures>, simDir: string;
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

/**
 * The disk paths of held-out ground-truth members, spelled exactly as
 * {@linkcode heldoutFromGroundTruth} looks them up (`..` resolved).
 *
 * @param records Ground-truth records.
 * @param root Folder the record paths are relative to.
 * @returns Paths of every held-out member.
 * @example
 * ```ts
 * declare const records: GroundTruthLike[];
 * const paths = groundTruthPaths(records, "sim");
 * ```
 */
export function groundTruthPaths(records: GroundTruthLike[], root: string): string[] {
  return records.filter((r) => r.split === "heldout").flatMap((r) =>
    r.members.map((m) => join(root, m.path))
  );
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
