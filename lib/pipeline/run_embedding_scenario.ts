/**
 * The embeddings-only scenario: a simulated creator whose history survives
 * as the original tool's CLIP cache, the rejected variants' files deleted.
 * The same ranker is trained twice — on the history with pixels, and on the
 * history as it really is (embeddings only where files are gone) — and both
 * are scored on the same held-out test sets.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  deleteRejectedVariants,
  type SimSummary,
  simulate,
  writeEmbeddingCache,
} from "../sim/mod.ts";
import { ingestLogs, readIngested } from "../logs/mod.ts";
import { CLIP_BLOCK, importEmbeddings } from "../clip/mod.ts";
import { LAYOUT_BLOCK } from "../crop/mod.ts";
import type { SliceAccuracy } from "../eval/mod.ts";
import { type GroundTruthLike, heldoutFromGroundTruth, type SetViews } from "./dataset.ts";
import { loadDataset, type LoadedDataset } from "./load_dataset.ts";
import { trainModels } from "./train_models.ts";
import { evaluateAll } from "./evaluate_all.ts";

/** Options for {@linkcode runEmbeddingScenario}. */
export interface EmbeddingScenarioOptions {
  /** The CLIP export (a generated test encoder): writes the cache and embeds new images. */
  model: { path: string; config?: string };
  simSeed?: number;
  scale?: number;
  projects?: number;
  groups?: number;
  heldout?: number;
  /** Feature blocks besides `clip` (which both arms read). */
  features?: string[];
  /** Split/training seed. */
  seed?: number;
  /** Ranker epochs (default: the trainer's). */
  epochs?: number;
  /** Work folder (default: a fresh temp folder). */
  workDir?: string | null;
  /** Keep the temp folder when done (a `workDir` is always kept). */
  keep?: boolean;
  onStep?: (step: string) => void;
}

const defaults = {
  simSeed: 1,
  scale: 1,
  features: ["builtin", LAYOUT_BLOCK, "signature"],
  seed: 1,
  workDir: null,
  keep: false,
  onStep: () => {},
} satisfies Omit<
  Required<EmbeddingScenarioOptions>,
  "model" | "projects" | "groups" | "heldout" | "epochs"
>;

/** One arm's numbers. */
export interface ScenarioArm {
  /** Training history: sets by the features every member has. */
  views: SetViews | null;
  unusable: Record<string, number>;
  train_sets: number;
  val_sets: number;
  test_sets: number;
  overall_acc: number;
  normal_acc: number;
  anomaly_acc: number;
  n_normal: number;
  n_anomaly: number;
  /** "Highest stage wins" on the same test sets. */
  highest_stage: number;
  ece: number;
  test_by_view: Record<string, SliceAccuracy>;
}

/** What {@linkcode runEmbeddingScenario} returns (`experiment --scenario embeddings-only --json`). */
export interface EmbeddingScenarioResult {
  scenario: "embeddings-only";
  dir: string;
  sim: SimSummary;
  cache: { vectors: number; sets: number; deleted: number };
  import: { imported: number; rejected: Record<string, number>; duplicates: number };
  /** Both arms were scored on exactly these held-out groups. */
  test_group_ids_hash: string;
  pixels: ScenarioArm;
  embeddings_only: ScenarioArm;
  seconds: Record<string, number>;
}

/**
 * Run the embeddings-only scenario.
 *
 * @param options Encoder, simulator sizes, features, seed.
 * @returns Both arms on the same test sets.
 * @example
 * ```ts
 * const r = await runEmbeddingScenario({ model: { path: "enc.onnx" }, scale: 0.125 });
 * r.embeddings_only.overall_acc - r.pixels.overall_acc;
 * ```
 */
export async function runEmbeddingScenario(
  options: EmbeddingScenarioOptions,
): Promise<EmbeddingScenarioResult> {
  const o = { ...defaults, ...options };
  const dir = o.workDir ?? await Deno.makeTempDir({ prefix: "keeper_embedding_scenario_" });
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
      reuse: false,
      ...(o.projects !== undefined ? { projects: o.projects } : {}),
      ...(o.groups !== undefined ? { groups: o.groups } : {}),
      ...(o.heldout !== undefined ? { heldout: o.heldout } : {}),
    }));
  const ingested = join(dir, "ingested");
  await timed("ingest", () =>
    ingestLogs(join(simDir, "logs"), {
      projectsDir: join(simDir, "projects"),
      outDir: ingested,
    }));
  const store = await readIngested(ingested);
  const cache = await timed(
    "embedding cache",
    () => writeEmbeddingCache(simDir, { model: o.model }),
  );
  const cacheDb = join(dir, "features.sqlite");
  const imported = await timed("import", () =>
    importEmbeddings(cache.index, {
      cacheDb,
      projectsDir: join(simDir, "projects"),
      rejectionsFile: join(dir, "import_rejections.jsonl"),
    }));
  const truth: GroundTruthLike[] = (await Deno.readTextFile(join(simDir, "ground_truth.jsonl")))
    .split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const heldPaths = truth.filter((r) => r.split === "heldout").flatMap((r) =>
    r.members.map((m) => join(simDir, m.path))
  );
  const features = [...o.features.filter((f) => f !== "embedding"), CLIP_BLOCK];
  // The encoder's embedding is the clip block of images with no imported vector.
  const featuresOf = (label: string): Promise<LoadedDataset> =>
    timed(`embed (${label})`, () =>
      loadDataset(store, {
        cache: cacheDb,
        features,
        imagesRoot: join(simDir, "images"),
        encoder: o.model,
        extraPaths: heldPaths,
        visionCacheDir: join(dir, "vision_cache"),
      }));
  const arm = async (label: string, loaded: LoadedDataset): Promise<ScenarioArm> => {
    const ds = loaded.dataset;
    const held = heldoutFromGroundTruth(truth, loaded.byPath, simDir);
    ds.heldout = { groups: held.groups, crops: held.crops };
    const models = join(dir, `models_${label}`);
    const trained = await timed(`train (${label})`, () =>
      trainModels(ds, {
        out: models,
        seed: o.seed,
        features,
        ...(o.epochs !== undefined
          ? { ranker: { epochs: o.epochs }, crop: { epochs: o.epochs } }
          : {}),
      }));
    const ev = await timed(
      `evaluate (${label})`,
      () => evaluateAll(ds, { modelDir: models, leaveOneProjectOut: false, original: false }),
    );
    const k = ev.ranker;
    if (k === null) {
      throw new Error(
        `Cannot compare: the ${label} ranker was not scored (${trained.counts.train_sets} train sets, ` +
          `${ev.data.test_sets} test sets)`,
      );
    }
    testIds.set(label, held.groups.map((g) => g.id).join("|"));
    return {
      views: ds.views ?? null,
      unusable: ev.views.unusable,
      train_sets: trained.counts.train_sets,
      val_sets: trained.counts.val_sets,
      test_sets: ev.data.test_sets,
      overall_acc: k.overall_acc,
      normal_acc: k.normal_acc,
      anomaly_acc: k.anomaly_acc,
      n_normal: k.n_normal,
      n_anomaly: k.n_anomaly,
      highest_stage: k.baselines.highest_stage,
      ece: k.ece,
      test_by_view: ev.views.test_by_view,
    };
  };
  const testIds = new Map<string, string>();
  // With pixels: the whole history still on disk.
  const pixels = await arm("pixels", await featuresOf("pixels"));
  // As the creator's history really is: the rejected variants' files are gone.
  const gone = await timed("delete rejected", () => deleteRejectedVariants(simDir));
  const embeddingsOnly = await arm("embeddings_only", await featuresOf("embeddings only"));
  if (testIds.get("pixels") !== testIds.get("embeddings_only")) {
    throw new Error("Cannot compare: the two arms were scored on different held-out sets");
  }
  if (!o.keep && o.workDir === null) await Deno.remove(dir, { recursive: true });
  return {
    scenario: "embeddings-only",
    dir,
    sim,
    cache: { vectors: cache.vectors, sets: cache.sets, deleted: gone.deleted },
    import: {
      imported: imported.imported,
      rejected: imported.rejected,
      duplicates: imported.duplicates,
    },
    test_group_ids_hash: createHash("sha256").update(testIds.get("pixels")!).digest("hex")
      .slice(0, 16),
    pixels,
    embeddings_only: embeddingsOnly,
    seconds,
  };
}
