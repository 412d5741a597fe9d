/**
 * `simulate()`: build simulated creator projects on disk — stage images with
 * companions, the two logs in the original formats, manifests and ground truth.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import { planSubjectHabit } from "./_art.ts";
import { encodeRaw } from "../image/mod.ts";
import { exists, groupDir, groupWritten, writeGroup } from "./_files.ts";
import type { WorkerJob, WorkerReply } from "./_worker.ts";
import { cropRaw } from "./_pixels.ts";
import { type CharacterInfo, DEFAULT_RATES, planGroups, planProjects } from "./_plan.ts";
import { loadPhotos, type PhotoCatalog, renderGroup } from "./_render.ts";
import { makeRng, seedOf } from "./_rng.ts";
import {
  CROP_HEADER,
  groundTruth,
  logRows,
  manifest,
  pixelBox,
  SELECTION_HEADER,
} from "./_write.ts";
import type { GroundTruthRecord, GroupPlan, ProjectPlan, SimSummary } from "./types.ts";
import { toOriginalLayout } from "./original_layout.ts";

/** Options for {@linkcode simulate}. */
export interface SimulateOptions {
  /** Seed of every random decision. */
  seed?: number;
  /** Number of projects. */
  projects?: number;
  /** Logged groups per project (the history keeper learns from). */
  groups?: number;
  /** Held-out, unlogged groups per project (scored later). */
  heldout?: number;
  /** Anomaly rate for all projects, or one per project. */
  anomalyRate?: number | readonly number[];
  /** Image size factor (1 = real sizes: 1024², 2048², 3072²). */
  scale?: number;
  /**
   * Projects (1-based) without the taste rule: their over-processed top stages are kept
   * (ground-truth outcome `taste_ignored`), to check that a taste stays in its project.
   */
  tasteFree?: readonly number[];
  /** Also write `raw_final/<id>_raw/` and `raw_final/<id>_final/<character>/` per project. */
  rawFinal?: boolean;
  /**
   * `keeper` (default): `images/<project>/<character>/`, logs naming `PROJECT_ROOT/…`.
   * `original`: as the original tool leaves things (see {@linkcode toOriginalLayout}).
   */
  layout?: "keeper" | "original";
  /** Folder of the demo photos and `photos.json` one level up. */
  photosDir?: string;
  /**
   * `photo` (default): the creator whose characters are cut from photographs. `subject`: a
   * creator of drawn / painted / 3-D-style characters (data/art) placed anywhere in the frame,
   * whose crops follow the subject (lib/sim/_art.ts).
   */
  creator?: "photo" | "subject";
  /** Folder of the art characters and their `art.json`. */
  artDir?: string;
  /** PNG zlib level (low is much faster at full scale). */
  compressionLevel?: number;
  /** Groups rendered at once per thread (overlaps sharp's encoding with pixel work). */
  concurrency?: number;
  /** Render threads (web workers); 1 renders on the calling thread. Not used with `rawFinal`. */
  threads?: number;
  /** Reuse an existing output made with the same options (or resume an interrupted one) instead of failing. */
  reuse?: boolean;
  /** Called after each group with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

const defaults = {
  seed: 1,
  projects: 3,
  groups: 600,
  heldout: 200,
  anomalyRate: DEFAULT_RATES,
  scale: 1,
  tasteFree: [] as readonly number[],
  rawFinal: false,
  layout: "keeper",
  photosDir: fileURLToPath(new URL("../../data/demo/photos", import.meta.url)),
  creator: "photo",
  artDir: fileURLToPath(new URL("../../data/art", import.meta.url)),
  compressionLevel: 1,
  concurrency: 2,
  threads: 1,
  reuse: true,
  onProgress: () => {},
} satisfies Required<SimulateOptions>;

/** What `--raw-final` records per delivered image. */
export interface RawFinalRecord {
  group_id: string;
  project: string;
  raw_paths: string[];
  /** Index of the delivered member; -1 when every member was rejected. */
  chosen_index: number;
  /** Delivered file; null when every member was rejected (nothing delivered). */
  final_path: string | null;
  /** True for a group with no survivor (about 5%): raw images only, nothing in the final folder. */
  all_rejected?: boolean;
  renamed: boolean;
  format: "png" | "jpeg";
  /** Pixel box in the raw chosen image, or null when delivered uncropped. */
  crop_px: [number, number, number, number] | null;
  crop_box: [number, number, number, number] | null;
}

async function writeRawFinal(
  out: string,
  g: GroupPlan,
  images: import("../image/mod.ts").RawImage[],
  dir: string,
  level: number,
  serial: number,
): Promise<RawFinalRecord> {
  const rawDir = `raw_final/${g.project}_raw`;
  const finalDir = `raw_final/${g.project}_final/${g.character}`;
  await Deno.mkdir(`${out}/${rawDir}`, { recursive: true });
  await Deno.mkdir(`${out}/${finalDir}`, { recursive: true });
  const rawPaths: string[] = [];
  for (const m of g.members) {
    const stem = m.filename.replace(/\.png$/, "");
    for (const ext of [".png", ".yaml", ".caption", ".txt"]) {
      const src = `${out}/${dir}/${stem}${ext}`;
      if (await exists(src)) await Deno.copyFile(src, `${out}/${rawDir}/${stem}${ext}`);
    }
    rawPaths.push(`${rawDir}/${m.filename}`);
  }
  const rng = makeRng(seedOf(g.seed, "final"));
  const renamed = rng.chance(0.1);
  const jpeg = rng.chance(0.1);
  // Drawn after the others so that renaming and re-encoding stay as they were.
  if (rng.chance(0.05)) {
    return {
      group_id: g.group_id,
      project: g.project,
      raw_paths: rawPaths,
      chosen_index: -1,
      final_path: null,
      all_rejected: true,
      renamed: false,
      format: "png",
      crop_px: null,
      crop_box: null,
    };
  }
  const m = g.members[g.chosen_index]!;
  let img = images[g.chosen_index]!;
  const box = g.crop_box ? pixelBox(g) : null;
  if (box) img = cropRaw(img, box[0], box[1], box[2] - box[0], box[3] - box[1]);
  const stem = renamed
    ? `${g.character}_${String(serial).padStart(4, "0")}`
    : m.filename.replace(/\.png$/, "");
  const ext = jpeg ? ".jpg" : ".png";
  const bytes = await encodeRaw(
    img,
    jpeg ? { format: "jpeg", quality: 92 } : { compressionLevel: level },
  );
  await Deno.writeFile(`${out}/${finalDir}/${stem}${ext}`, bytes);
  const srcStem = `${out}/${dir}/${m.filename.replace(/\.png$/, "")}`;
  for (const c of [".yaml", ".caption", ".txt"]) {
    if (await exists(srcStem + c)) {
      await Deno.copyFile(srcStem + c, `${out}/${finalDir}/${stem}${c}`);
    }
  }
  return {
    group_id: g.group_id,
    project: g.project,
    raw_paths: rawPaths,
    chosen_index: g.chosen_index,
    final_path: `${finalDir}/${stem}${ext}`,
    renamed,
    format: jpeg ? "jpeg" : "png",
    crop_px: box,
    crop_box: g.crop_box,
  };
}

/** Render workers, each taking jobs by message and answering when the group is on disk. */
class RenderPool {
  #workers: Worker[];
  #pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(size: number) {
    this.#workers = Array.from({ length: size }, () => {
      const w = new Worker(new URL("./_worker.ts", import.meta.url).href, { type: "module" });
      w.onmessage = (e: MessageEvent<WorkerReply>): void => {
        const p = this.#pending.get(e.data.id);
        this.#pending.delete(e.data.id);
        if (e.data.error === undefined) p?.resolve();
        else p?.reject(new Error(`Cannot render group: ${e.data.error}`));
      };
      w.onerror = (e: ErrorEvent): void => {
        e.preventDefault();
        for (const p of this.#pending.values()) p.reject(new Error(`Cannot render: ${e.message}`));
        this.#pending.clear();
      };
      return w;
    });
  }

  /** Render and write one group on worker `index`. */
  run(index: number, job: WorkerJob): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.set(job.id, { resolve, reject });
      this.#workers[index]!.postMessage(job);
    });
  }

  /** Stop every worker. */
  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

function realisedRate(groups: readonly GroupPlan[]): number {
  const logged = groups.filter((g) => g.split === "logged");
  if (logged.length === 0) return 0;
  const anomalies = logged.filter((g) => {
    const chosen = g.members[g.chosen_index]!.stage;
    return g.members.some((m, i) => i !== g.chosen_index && m.stage > chosen);
  }).length;
  return anomalies / logged.length;
}

/**
 * Simulate creator projects into `out`.
 *
 * Layout: `images/<project>/<character>/` (logged history, = `PROJECT_ROOT`),
 * `heldout/<project>/<character>/` (unlogged), `logs/selection_only_log.csv`,
 * `logs/select_crop_log.csv`, `projects/<id>.project.json`, `project_map.json`,
 * `ground_truth.jsonl`, `summary.json` and, with `rawFinal`, `raw_final/`. With
 * `layout: "original"` the logged history is laid out as the original tool left
 * it instead (`creator/<project>/`, `creator/<project>_final/<character>/`).
 *
 * @param out Output folder (created; must be empty unless it holds a run with the same options).
 * @param options Seed, sizes, rates, scale and progress callback.
 * @returns Counts and realised anomaly rates per project.
 * @example
 * ```ts
 * const s = await simulate("/tmp/sim", { projects: 1, groups: 20, heldout: 5, scale: 0.125 });
 * console.log(s.anomaly_rate_by_project);
 * ```
 */
export async function simulate(out: string, options: SimulateOptions = {}): Promise<SimSummary> {
  const opts = { ...defaults, ...options };
  if (!(opts.scale > 0 && opts.scale <= 4)) {
    throw new RangeError(`Cannot simulate: scale "${opts.scale}" is not in (0, 4]`);
  }
  if (opts.projects < 1 || opts.groups < 0 || opts.heldout < 0) {
    throw new RangeError(`Cannot simulate: projects "${opts.projects}", groups "${opts.groups}"`);
  }
  const rates = typeof opts.anomalyRate === "number" ? [opts.anomalyRate] : [...opts.anomalyRate];
  for (const r of rates) {
    if (!(r >= 0 && r <= 0.9)) {
      throw new RangeError(`Cannot simulate: anomaly rate "${r}" is not in [0, 0.9]`);
    }
  }
  const key = JSON.stringify({
    seed: opts.seed,
    projects: opts.projects,
    groups: opts.groups,
    heldout: opts.heldout,
    rates,
    scale: opts.scale,
    rawFinal: opts.rawFinal,
    ...(opts.layout === "original" ? { layout: "original" } : {}),
    ...(opts.tasteFree.length ? { tasteFree: [...opts.tasteFree].sort() } : {}),
    ...(opts.creator === "subject" ? { creator: "subject" } : {}),
    version: 3,
  });
  const partialPath = `${out}/partial.json`;
  let resume = false;
  if (await exists(out)) {
    const summaryPath = `${out}/summary.json`;
    if (opts.reuse && await exists(summaryPath)) {
      const prev = JSON.parse(await Deno.readTextFile(summaryPath));
      if (prev.key === key) return prev.summary as SimSummary;
    }
    // An interrupted run with the same options resumes: groups whose PNGs all exist are kept.
    if (opts.reuse && !opts.rawFinal && opts.layout === "keeper" && await exists(partialPath)) {
      resume = JSON.parse(await Deno.readTextFile(partialPath)).key === key;
    }
    if (!resume) {
      for await (const _ of Deno.readDir(out)) {
        throw new Error(`Cannot simulate: output folder "${out}" is not empty`);
      }
    }
  }
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(partialPath, JSON.stringify({ key }) + "\n");

  let catalog = JSON.parse(
    await Deno.readTextFile(`${opts.photosDir}/../photos.json`),
  ) as PhotoCatalog;
  if (opts.creator === "subject") {
    // Art characters on the same background photos.
    const art = JSON.parse(await Deno.readTextFile(`${opts.artDir}/art.json`)) as PhotoCatalog;
    catalog = {
      characters: art.characters.map((c) => ({ ...c, file: resolve(opts.artDir, c.file) })),
      backgrounds: catalog.backgrounds,
    };
  } else if (opts.creator !== "photo") {
    throw new RangeError(`Cannot simulate: creator "${opts.creator}" is not one of photo, subject`);
  }
  const photos = await loadPhotos(opts.photosDir, catalog);
  const infos: CharacterInfo[] = [...photos.characters.values()].map((c) => c.info);
  const projects: ProjectPlan[] = planProjects(
    opts.seed,
    opts.projects,
    rates,
    infos.map((c) => c.name),
  );
  for (const n of opts.tasteFree) {
    const p = projects[n - 1];
    if (!p) {
      throw new RangeError(
        `Cannot simulate: taste-free project "${n}" (projects are 1 … ${opts.projects})`,
      );
    }
    p.taste = false;
  }
  if (opts.creator === "subject") {
    for (const p of projects) p.subject_crop = planSubjectHabit(opts.seed, p.id, p.characters);
  }
  const plans = projects.map((p) =>
    planGroups(p, {
      seed: opts.seed,
      logged: opts.groups,
      heldout: opts.heldout,
      scale: opts.scale,
      characters: infos,
      backgrounds: catalog.backgrounds,
    })
  );
  const all = plans.flat();
  const records: GroundTruthRecord[] = new Array(all.length);
  const finals: (RawFinalRecord | undefined)[] = new Array(all.length);
  let done = 0, next = 0, images = 0;
  const serials = new Map<string, number>();
  const serialOf = all.map((g) => {
    const k = `${g.project}/${g.character}`;
    const n = (serials.get(k) ?? 0) + 1;
    serials.set(k, n);
    return n;
  });
  const threads = opts.rawFinal ? 1 : Math.max(1, Math.round(opts.threads));
  const pool = threads > 1 ? new RenderPool(threads) : undefined;
  const worker = async (slot: number): Promise<void> => {
    while (next < all.length) {
      const i = next++;
      const g = all[i]!;
      if (resume && await groupWritten(out, g)) {
        records[i] = groundTruth(g, groupDir(g));
      } else if (pool) {
        await pool.run(slot % threads, {
          id: i,
          out,
          plan: g,
          level: opts.compressionLevel,
          photosDir: opts.photosDir,
          catalog,
        });
        records[i] = groundTruth(g, groupDir(g));
      } else {
        const imgs = await renderGroup(g, photos);
        const dir = await writeGroup(out, g, imgs, opts.compressionLevel);
        records[i] = groundTruth(g, dir);
        if (opts.rawFinal && g.split === "logged") {
          finals[i] = await writeRawFinal(out, g, imgs, dir, opts.compressionLevel, serialOf[i]!);
        }
      }
      images += g.members.length;
      opts.onProgress(++done, all.length);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, opts.concurrency) * threads }, (_, k) => worker(k)),
    );
  } finally {
    pool?.close();
  }

  // Logs: one file per log kind for all projects, rows in time order (as the creator's were).
  const selection: { t: number; line: string }[] = [];
  const crop: { t: number; line: string }[] = [];
  projects.forEach((p, i) => {
    const rows = logRows(p, plans[i]!, opts.seed);
    selection.push(...rows.selection);
    crop.push(...rows.crop);
  });
  const byTime = (a: { t: number }, b: { t: number }): number => a.t - b.t;
  await Deno.mkdir(`${out}/logs`, { recursive: true });
  await Deno.writeTextFile(
    `${out}/logs/selection_only_log.csv`,
    [SELECTION_HEADER, ...selection.sort(byTime).map((r) => r.line)].join("\n") + "\n",
  );
  await Deno.writeTextFile(
    `${out}/logs/select_crop_log.csv`,
    [CROP_HEADER, ...crop.sort(byTime).map((r) => r.line)].join("\n") + "\n",
  );
  await Deno.mkdir(`${out}/projects`, { recursive: true });
  for (const [i, p] of projects.entries()) {
    await Deno.writeTextFile(
      `${out}/projects/${p.id}.project.json`,
      JSON.stringify(manifest(p, plans[i]!), null, 2) + "\n",
    );
    await Deno.writeTextFile(
      `${out}/projects/${p.id}_allowed_ext.json`,
      JSON.stringify({
        allowedExtensions: ["png", "yaml", "caption", "txt"],
        clientWhitelistOverrides: [],
      }) +
        "\n",
    );
  }
  await Deno.writeTextFile(
    `${out}/project_map.json`,
    JSON.stringify(
      {
        rules: projects.flatMap((p) => [
          { project: p.id, path_glob: `PROJECT_ROOT/${p.id}/**` },
          { project: p.id, path_glob: `${p.id}/**` },
        ]),
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.writeTextFile(
    `${out}/ground_truth.jsonl`,
    records.map((r) => JSON.stringify(r)).join("\n") + "\n",
  );
  if (opts.rawFinal) {
    const lines = finals.filter((f) => f !== undefined).map((f) => JSON.stringify(f));
    await Deno.writeTextFile(`${out}/raw_final/ground_truth.jsonl`, lines.join("\n") + "\n");
  }
  if (opts.layout === "original") await toOriginalLayout(out, projects, plans, opts.seed);
  const summary: SimSummary = {
    projects: projects.map((p) => p.id),
    groups_logged: all.filter((g) => g.split === "logged").length,
    groups_heldout: all.filter((g) => g.split === "heldout").length,
    images,
    anomaly_rate_by_project: Object.fromEntries(
      projects.map((p, i) => [p.id, Math.round(realisedRate(plans[i]!) * 10000) / 10000]),
    ),
    out,
  };
  await Deno.writeTextFile(
    `${out}/summary.json`,
    JSON.stringify({ key, summary, projects }, null, 2) + "\n",
  );
  await Deno.remove(partialPath);
  return summary;
}
