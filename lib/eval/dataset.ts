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
}

/** Options for {@linkcode buildDataset}. */
export interface BuildDatasetOptions {
  /** Where a logged image lives on disk (default: `<dir>/<filename>` under `imagesRoot`). */
  resolve?: (ref: ImageRef) => string;
  imagesRoot?: string;
}

const defaults = { imagesRoot: "." } satisfies Omit<Required<BuildDatasetOptions>, "resolve">;

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
    const fs = paths.map((p) => features.get(p));
    if (fs.some((f) => !f)) {
      bump("set_missing_features");
      continue;
    }
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
    const f = features.get(path);
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
  return { groups, crops, skipped };
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
