/**
 * One reproducible experiment in a fresh folder: simulate → ingest →
 * embed → train → evaluate, returning evaluate's object.
 *
 * @module
 */
import { evaluateGrouping } from "../group/mod.ts";
import { imageIdentity } from "../paths/mod.ts";
import { join } from "node:path";
import { type SimSummary, simulate } from "../sim/mod.ts";
import { ingestLogs } from "../logs/mod.ts";
import { type GroundTruthLike, heldoutFromGroundTruth } from "./dataset.ts";
import { loadDataset } from "./load_dataset.ts";
import { addFeatureBlocks } from "../blocks/mod.ts";
import { trainModels } from "./train_models.ts";
import { evaluateAll, type EvaluateResult } from "./evaluate_all.ts";
import type { TrainRankerOptions } from "../rank/mod.ts";
import { LAYOUT_BLOCK, type TrainCropOptions } from "../crop/mod.ts";

/** Options for {@linkcode runExperiment}. */
export interface ExperimentOptions {
  simSeed?: number;
  /** Simulator image scale (1 = real sizes). */
  scale?: number;
  /** Simulator sizes (undefined = simulator defaults). */
  projects?: number;
  groups?: number;
  heldout?: number;
  /** Simulator anomaly rate per project (undefined = simulator defaults). */
  anomalyRate?: number[];
  /** Simulated projects (1-based) without the taste rule. */
  tasteFree?: number[];
  /** Simulated creator (see `SimulateOptions.creator`). */
  creator?: "photo" | "subject";
  /** Feature blocks (e.g. `["builtin"]`, `["builtin", "embedding"]`). */
  features?: string[];
  /** ONNX encoder for the "embedding" block. */
  model?: { path: string; config?: string } | null;
  /**
   * Work folder (default: a fresh temp folder). A finished simulation with the
   * same options and the feature cache in it are reused; models and reports
   * are made afresh.
   */
  workDir?: string | null;
  /** Split/training seed. */
  seed?: number;
  ranker?: TrainRankerOptions;
  crop?: TrainCropOptions;
  leaveOneProjectOut?: boolean;
  /** Retrain without each defect kind and score the test anomalies carrying it. */
  leaveOneKindOut?: boolean;
  /**
   * Run vision on the crop images (logged and held-out picks) so the crop proposer can read
   * the subject (lib/crop/subject_crop.ts); the ranker's features are unchanged.
   */
  cropVision?: boolean;
  /**
   * Logged crop images per project that vision analyses (a fixed sample by path, the same for
   * every split seed; vision costs about 0.4-0.7 s an image here). Held-out crops: all.
   */
  cropVisionPerProject?: number;
  onStep?: (step: string) => void;
}

const defaults = {
  simSeed: 1,
  scale: 1,
  features: ["builtin", LAYOUT_BLOCK, "signature"],
  model: null,
  workDir: null,
  seed: 1,
  ranker: {},
  crop: {},
  leaveOneProjectOut: true,
  leaveOneKindOut: true,
  cropVision: true,
  cropVisionPerProject: 300,
  onStep: () => {},
} satisfies Omit<
  Required<ExperimentOptions>,
  "projects" | "groups" | "heldout" | "anomalyRate" | "tasteFree" | "creator"
>;

/** What {@linkcode runExperiment} returns. */
export interface ExperimentResult {
  dir: string;
  sim: SimSummary;
  seconds: Record<string, number>;
  evaluation: EvaluateResult;
}

/**
 * Run simulate → ingest → embed → train → evaluate.
 *
 * @param options Seeds, sizes, features.
 * @returns Evaluation, simulator summary, timings, the folder used.
 * @example
 * ```ts
 * const { evaluation } = await runExperiment({ simSeed: 1, scale: 0.25 });
 * ```
 */
export async function runExperiment(options: ExperimentOptions = {}): Promise<ExperimentResult> {
  const o = { ...defaults, ...options };
  const dir = o.workDir ?? await Deno.makeTempDir({ prefix: "keeper_experiment_" });
  const seconds: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    o.onStep(name);
    const t = performance.now();
    const r = await fn();
    seconds[name] = (performance.now() - t) / 1000;
    return r;
  };
  const simDir = join(dir, "sim");
  const sim = await timed("simulate", () =>
    simulate(simDir, {
      seed: o.simSeed,
      scale: o.scale,
      reuse: true,
      ...(o.projects !== undefined ? { projects: o.projects } : {}),
      ...(o.groups !== undefined ? { groups: o.groups } : {}),
      ...(o.heldout !== undefined ? { heldout: o.heldout } : {}),
      ...(o.anomalyRate !== undefined ? { anomalyRate: o.anomalyRate } : {}),
      ...(o.tasteFree !== undefined ? { tasteFree: o.tasteFree } : {}),
      ...(o.creator !== undefined ? { creator: o.creator } : {}),
    }));
  const ingested = join(dir, "ingested");
  await Deno.remove(ingested, { recursive: true }).catch(() => {});
  await timed(
    "ingest",
    () =>
      ingestLogs(join(simDir, "logs"), { projectsDir: join(simDir, "projects"), outDir: ingested }),
  );
  const truth: GroundTruthLike[] = (await Deno.readTextFile(join(simDir, "ground_truth.jsonl")))
    .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  // Features: lib/embed's blocks ("embed"), then the blocks decide adds ("blocks": layout,
  // vision, backbone), each timed as its own step.
  const loaded = await loadDataset(ingested, {
    cache: join(dir, "features.sqlite"),
    features: o.features,
    imagesRoot: join(simDir, "images"),
    encoder: o.model,
    extraPaths: truth.filter((r) => r.split === "heldout").flatMap((r) =>
      r.members.map((m) => join(simDir, m.path))
    ),
    clipByIdentity: false,
    visionCacheDir: join(dir, "vision_cache"),
    onPhase: o.onStep,
  });
  Object.assign(seconds, loaded.seconds);
  const ds = loaded.dataset;
  for (const [block, n] of Object.entries(loaded.blocksFailed)) {
    if (n > 0) ds.skipped[`${block}_failed`] = n;
  }
  const held = heldoutFromGroundTruth(truth, loaded.byPath, simDir);
  ds.heldout = { groups: held.groups, crops: held.crops };
  if (o.cropVision && !o.features.includes("vision")) {
    // Vision on the crop images only (about a third of all images): cached by content.
    const sample = sampleByProject(ds.crops.map((c) => c.example.member), o.cropVisionPerProject);
    const cropImages = new Map(
      [...sample, ...held.crops.map((c) => c.example.member)].map((m) => [m.path, m.features]),
    );
    const v = await timed(
      "crop_vision",
      () => addFeatureBlocks(cropImages, ["vision"], { visionCacheDir: join(dir, "vision_cache") }),
    );
    if ((v.failed.vision ?? 0) > 0) ds.skipped["crop_vision_failed"] = v.failed.vision!;
  }
  if (loaded.embedFailed) ds.skipped["embed_failed"] = loaded.embedFailed;
  const models = join(dir, "models");
  await timed("train", () =>
    trainModels(ds, {
      out: models,
      seed: o.seed,
      features: o.features,
      ranker: o.ranker,
      crop: o.crop,
    }));
  // Ground truth per set (logged sets by their pick's identity, as the dataset keys them;
  // held-out by group id): the outcome slices the test sets (taste-rule groups) and the
  // defect kinds drive leave-one-defect-kind-out.
  const truthOf = new Map<string, GroundTruthLike>();
  for (const r of truth) {
    truthOf.set(
      r.split === "heldout"
        ? `${r.project}:${r.group_id}`
        : imageIdentity(r.project, r.chosen_path ?? ""),
      r,
    );
  }
  const matched = ds.groups.filter((g) => truthOf.has(g.id)).length;
  if (o.leaveOneKindOut && ds.groups.length > 0 && matched === 0) {
    // Without it every "held-out kind" model would be trained on that kind: a silent zero.
    throw new Error(
      `Cannot run experiment: 0 of ${ds.groups.length} logged sets matched the simulator's ` +
        `ground truth (e.g. set "${ds.groups[0]!.id}"), so leave-one-defect-kind-out cannot ` +
        "leave anything out",
    );
  }
  const evaluation = await timed("evaluate", () =>
    evaluateAll(ds, {
      modelDir: models,
      leaveOneProjectOut: o.leaveOneProjectOut,
      onStep: o.onStep,
      slices: {
        outcome: (g) => truthOf.get(g.id)?.outcome ?? null,
        // Noticed defects by kind and by the step that broke; taste groups by rule.
        defect_kind: (g) => {
          const t = truthOf.get(g.id);
          return t?.outcome === "defect" ? t.defect_kinds?.[0] ?? null : null;
        },
        defect_step: (g) => {
          const t = truthOf.get(g.id);
          if (t?.outcome !== "defect") return null;
          const broke = t.members.find((m) => (m as { defects?: unknown[] }).defects?.length);
          return broke ? String(broke.stage) : null;
        },
        taste_rule: (g) => {
          const t = truthOf.get(g.id);
          return t?.outcome === "taste" || t?.outcome === "taste_ignored"
            ? `${t.outcome}:${t.taste_rule ?? "sharpen"}`
            : null;
        },
      },
      defectKinds: o.leaveOneKindOut ? (g) => truthOf.get(g.id)?.defect_kinds ?? [] : null,
    }));
  evaluation.data.truth_matched = matched;
  // Grouping, scored on the held-out folders (several groups per folder).
  const heldTruth = truth.filter((r) => r.split === "heldout");
  const files = heldTruth.flatMap((r) =>
    r.members.map((m) => {
      const path = join(simDir, m.path);
      const f = loaded.byPath.get(path);
      return {
        path,
        sha256: f?.sha256 ?? null,
        phash: f?.phash ?? null,
        embedding: f?.embedding ?? null,
      };
    })
  );
  evaluation.grouping = evaluateGrouping(
    files,
    heldTruth.map((r) => r.members.map((m) => join(simDir, m.path))),
  );
  return { dir, sim, seconds, evaluation };
}

/** Up to `n` members per project, the same whatever the order (smallest path hash first). */
function sampleByProject<T extends { path: string; project: string }>(
  members: T[],
  n: number,
): T[] {
  const hash = (s: string): number => {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
    return h;
  };
  const byProject = new Map<string, T[]>();
  for (const m of members) byProject.set(m.project, [...(byProject.get(m.project) ?? []), m]);
  return [...byProject.values()].flatMap((ms) =>
    ms.map((m) => ({ m, h: hash(m.path) })).sort((a, b) => a.h - b.h).slice(0, n).map((x) => x.m)
  );
}
