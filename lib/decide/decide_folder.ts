/**
 * The core of `deno task decide`: group a folder's images, rank each group,
 * propose a crop for the pick, and append one validated record per new group
 * to `automation_decisions.jsonl` inside the sandbox. Reads images only;
 * moves and writes nothing else.
 *
 * @module
 */
import { basename, dirname, join, resolve } from "node:path";
import type { AutomationDecision } from "../types.ts";
import { isImageName, parseFilenameTimestamp } from "../paths/mod.ts";
import { groupImages, type GroupImagesOptions } from "../group/mod.ts";
import {
  appendAutomationDecisions,
  groupIdOfSync,
  readAutomationDecisions,
  toDecisionPath,
  writeAutomationDecisions,
} from "../decisions/mod.ts";
import { decideGroup, inside } from "./_decide_group.ts";
import type { DecideParts } from "./decide_parts.ts";
import { fileSha256, sweepTempFiles } from "../fs/mod.ts";

/** Options for {@linkcode decideFolder}. */
export interface DecideFolderOptions {
  /** Project id recorded in each decision (default: the input folder's name). */
  project?: string;
  /** The sandbox root: outputs must live inside it; decision paths are relative to it. */
  sandboxRoot?: string;
  /** Output JSONL (default `<sandboxRoot>/automation_decisions.jsonl`). */
  out?: string;
  /** Model folder (ranker + crop), used when `parts` is not given. */
  models?: string;
  /** Feature cache database, used when `parts` is not given. */
  cacheDb?: string;
  /** Optional ONNX image encoder (`--model`, `--model-config`), used when `parts` is not given. */
  encoder?: { path: string; config?: string } | null;
  /** `uncertain`: least sure first; `time`: in filename-time order. */
  order?: "uncertain" | "time";
  /** Re-decide groups already in the output (their old records are replaced). */
  force?: boolean;
  /** Pick confidence at or above which a clean group is auto-approvable. */
  autoApproveMin?: number;
  /** Pick confidence below which a group is flagged `low_confidence`. */
  lowConfidenceBelow?: number;
  /** Crop likelihood at or above which a crop is proposed. */
  needsCropMin?: number;
  /** Grouping options (see lib/group). */
  grouping?: GroupImagesOptions;
  /** Loaded models; when absent they are loaded from `models`/`cacheDb`. */
  parts?: DecideParts;
  /**
   * Records per atomic append. Deciding is fast once features are cached (the
   * feature cache makes a re-run resumable), so one write per run is the default.
   */
  batchSize?: number;
  /** Progress: phase, done, total. */
  onProgress?: (phase: "features" | "decide", done: number, total: number) => void;
  /** Clock for `created` (tests). */
  now?: () => Date;
}

const defaults = {
  project: "",
  sandboxRoot: "sandbox",
  out: "",
  models: "data/ai_data/models",
  cacheDb: "data/cache/features.sqlite",
  encoder: null,
  order: "time",
  force: false,
  autoApproveMin: 0.9,
  lowConfidenceBelow: 0.6,
  needsCropMin: 0.5,
  grouping: {},
  parts: undefined,
  batchSize: 1000,
  onProgress: () => {},
  now: () => new Date(),
} satisfies Omit<Required<DecideFolderOptions>, "parts"> & { parts: undefined };

/** What {@linkcode decideFolder} did (`--json` prints the first six). */
export interface DecideSummary {
  groups: number;
  decided: number;
  skipped: number;
  auto_approvable: number;
  flagged: number;
  seconds: number;
  /** Images in no group (nothing to decide). */
  singletons: number;
  images: number;
  /** Image files not considered: could not be decoded, or left out (links, FIFOs). */
  unreadable: number;
  /** Each of them with its reason, by path (`symlink`, `not_a_file`, or the decoder's). */
  unreadable_files: UnreadableFile[];
  /** Decided groups by flag. */
  flags: Record<string, number>;
  out: string;
  /**
   * The models used; `trained: false` when a folder held no trained model and
   * the fallback decided (highest stage; the median crop).
   */
  models: {
    ranker: { identity: string; trained: boolean };
    crop: { identity: string; trained: boolean };
  };
}

/** An image file decide did not use, and why. */
export interface UnreadableFile {
  path: string;
  reason: string;
}

/** Real path of the nearest existing ancestor, re-joined with the missing tail. */
function realish(path: string): string {
  let probe = resolve(path);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(Deno.realPathSync(probe), ...tail.reverse());
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return resolve(path);
      tail.push(basename(probe));
      probe = parent;
    }
  }
}

/**
 * Image files under `root`, and the image-named entries left out: links
 * (never followed: a link may lead outside the input) and FIFOs, sockets or
 * devices (reading one would block or make no sense).
 */
async function listImages(root: string): Promise<{ paths: string[]; leftOut: UnreadableFile[] }> {
  const out: string[] = [];
  const leftOut: UnreadableFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      if (e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isSymlink) {
        if (isImageName(e.name)) leftOut.push({ path: p, reason: "symlink" });
        else if (await Deno.stat(p).then((i) => i.isDirectory, () => false)) {
          leftOut.push({ path: p, reason: "symlinked_folder" });
        }
      } else if (isImageName(e.name)) {
        if (e.isFile) out.push(p);
        else leftOut.push({ path: p, reason: "not_a_file" });
      }
    }
  };
  await walk(root);
  return { paths: out.sort(), leftOut };
}

/**
 * Decide a folder: list its images (recursively), compute or load cached
 * features, group them, and for each group not decided yet record the
 * proposed pick (with confidence, margin and reasons) and crop. Unreadable
 * images become `unreadable_image` flags. The input tree is only read.
 *
 * @param inDir Folder of new images (and companions).
 * @param options Project, sandbox and output, models, order, thresholds.
 * @returns Counts and timing.
 * @example
 * ```ts
 * const s = await decideFolder("sandbox/incoming", { project: "mojo3" });
 * console.log(s.decided, s.auto_approvable);
 * ```
 */
export async function decideFolder(
  inDir: string,
  options: DecideFolderOptions = {},
): Promise<DecideSummary> {
  const t0 = performance.now();
  const opts = { ...defaults, ...options };
  const root = resolve(opts.sandboxRoot);
  const out = resolve(opts.out === "" ? join(root, "automation_decisions.jsonl") : opts.out);
  if (!inside(realish(root), realish(out)) || realish(out) === realish(root)) {
    throw new RangeError(
      `Cannot write decisions to "${out}": outputs must be inside the sandbox "${root}"`,
    );
  }
  const input = resolve(inDir);
  try {
    if (!(await Deno.stat(input)).isDirectory) throw new Error("not a folder");
  } catch (error) {
    throw new Error(`Cannot decide "${inDir}": it is not a readable folder`, { cause: error });
  }
  if (inside(realish(input), realish(out))) {
    throw new RangeError(
      `Cannot write decisions to "${out}": it is inside the input folder "${input}" (read-only)`,
    );
  }
  if (opts.parts === undefined && inside(realish(input), realish(opts.cacheDb))) {
    throw new RangeError(
      `Cannot use the feature cache "${opts.cacheDb}": it is inside the input folder "${input}" (read-only)`,
    );
  }
  const project = opts.project !== "" ? opts.project : basename(input);
  // A decide killed between writing its temp file and the rename left one: remove it.
  await sweepTempFiles(out);
  const parts = opts.parts ?? await loadParts(opts.models, opts.cacheDb, opts.encoder);
  try {
    const { paths, leftOut } = await listImages(input);
    const { byPath, failed } = await parts.features(
      paths,
      (d, t) => opts.onProgress("features", d, t),
    );
    const shaOf = new Map<string, string>();
    for (const p of paths) {
      const f = byPath.get(p);
      shaOf.set(p, f !== undefined ? f.sha256 : await fileSha256(p).catch(() => ""));
    }
    const grouping = groupImages(
      paths.map((p) => {
        const f = byPath.get(p);
        return {
          path: p,
          sha256: shaOf.get(p) || null,
          phash: f?.phash ?? null,
          embedding: f?.embedding ?? null,
        };
      }),
      opts.grouping,
    );
    // Duplicates are kept: --force rewrites the file, which is how they are cleared.
    const existing = await readAutomationDecisions(out, { duplicates: "keep" });
    const done = new Set(existing.map((d) => d.group_id));
    const created = opts.now().toISOString();
    const fresh: AutomationDecision[] = [];
    let skipped = 0;
    for (let gi = 0; gi < grouping.groups.length; gi++) {
      const group = grouping.groups[gi]!;
      const ids = group.members.map((p) => shaOf.get(p) || `unreadable:${toDecisionPath(root, p)}`);
      const groupId = groupIdOfSync(ids);
      if (done.has(groupId) && !opts.force) {
        skipped++;
      } else {
        fresh.push(
          decideGroup(group, groupId, {
            project,
            created,
            root,
            byPath,
            failed,
            shaOf,
            parts,
            opts,
          }),
        );
      }
      opts.onProgress("decide", gi + 1, grouping.groups.length);
    }
    if (opts.order === "uncertain") {
      fresh.sort((a, b) =>
        a.step1_selection.confidence - b.step1_selection.confidence ||
        a.step1_selection.margin - b.step1_selection.margin
      );
    } else {
      const time = new Map(fresh.map((d) => [d.group_id, decisionTime(d)]));
      fresh.sort((a, b) =>
        time.get(a.group_id)! - time.get(b.group_id)! ||
        (a.images[0]!.path < b.images[0]!.path ? -1 : 1)
      );
    }
    if (opts.force && fresh.some((d) => done.has(d.group_id))) {
      const replaced = new Set(fresh.map((d) => d.group_id));
      await writeAutomationDecisions(out, [
        ...existing.filter((d) => !replaced.has(d.group_id)),
        ...fresh,
      ]);
    } else {
      for (let i = 0; i < fresh.length; i += opts.batchSize) {
        await appendAutomationDecisions(out, fresh.slice(i, i + opts.batchSize));
      }
    }
    const flags: Record<string, number> = {};
    for (const d of fresh) for (const f of d.flags) flags[f] = (flags[f] ?? 0) + 1;
    return {
      groups: grouping.groups.length,
      decided: fresh.length,
      skipped,
      auto_approvable: fresh.filter((d) => d.step1_selection.auto_approvable).length,
      flagged: fresh.filter((d) => d.flags.length > 0).length,
      seconds: (performance.now() - t0) / 1000,
      singletons: grouping.singletons.length,
      images: paths.length,
      unreadable: failed.size + leftOut.length,
      unreadable_files: [
        ...leftOut,
        ...[...failed].map(([path, reason]) => ({ path, reason })),
      ].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
      flags,
      out,
      models: {
        ranker: { identity: parts.ranker.identity, trained: !isFallback(parts.ranker.identity) },
        crop: { identity: parts.crop.identity, trained: !isFallback(parts.crop.identity) },
      },
    };
  } finally {
    if (opts.parts === undefined) await parts.dispose?.();
  }
}

/** Time order of a decision: its earliest filename time (Infinity when none). */
function decisionTime(d: AutomationDecision): number {
  const ts = d.images.map((i) => parseFilenameTimestamp(basename(i.path)) ?? Infinity);
  return Math.min(...ts);
}

async function loadParts(
  models: string,
  cacheDb: string,
  encoder: { path: string; config?: string } | null,
): Promise<DecideParts> {
  const { loadDecideParts } = await import("./_load_parts.ts");
  return await loadDecideParts(models, cacheDb, encoder);
}

/** True for a fallback model identity (no trained model was found). */
export function isFallback(identity: string): boolean {
  return identity.startsWith("fallback");
}
