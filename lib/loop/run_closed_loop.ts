/**
 * The closed loop (seed 5.2, "add override data as training examples"):
 * train on the creator's logs, decide a batch of new groups, have them
 * reviewed (here scripted from the simulator's ground truth: approve when the
 * pick is right, override when it is not, crop set to the creator's), ingest
 * the review results beside the logs, retrain, and compare both models on the
 * same held-out groups that neither saw.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import { simulate } from "../sim/mod.ts";
import type { GroundTruthRecord, SimSummary } from "../sim/mod.ts";
import { ingestLogs, readIngested } from "../logs/mod.ts";
import {
  buildDataset,
  type Dataset,
  evaluateAll,
  type EvaluateResult,
  heldoutFromGroundTruth,
  loadDataset,
  trainModels,
} from "../pipeline/mod.ts";
import { decideFolder } from "../decide/mod.ts";
import { readAutomationDecisions, writeApprovedDecisions } from "../decisions/mod.ts";
import type { ApprovedDecision, AutomationDecision, ImageFeatures, ImageRef } from "../types.ts";

/** Options for {@linkcode runClosedLoop}. */
export interface ClosedLoopOptions {
  simSeed?: number;
  scale?: number;
  projects?: number;
  /** Logged groups per project (the first model's history). */
  groups?: number;
  /** Unlogged groups per project: half are reviewed, half are the test set. */
  heldout?: number;
  /** Feature blocks. */
  features?: string[];
  /** Work folder (default: a fresh temp folder); it is also the sandbox root. */
  workDir?: string | null;
  seed?: number;
  onStep?: (step: string) => void;
}

const defaults = {
  simSeed: 1,
  scale: 0.125,
  projects: 3,
  groups: 200,
  heldout: 160,
  features: ["builtin", "layout", "signature"],
  workDir: null,
  seed: 1,
  onStep: () => {},
} satisfies Required<ClosedLoopOptions>;

/** Accuracy of one model on the test groups. */
export interface LoopScores {
  overall_acc: number;
  normal_acc: number;
  anomaly_acc: number;
  by_project: Record<string, { n: number; acc: number; highest_stage: number }>;
  crop_mean_iou: number | null;
}

/** What {@linkcode runClosedLoop} measured. */
export interface ClosedLoopResult {
  dir: string;
  sim: SimSummary;
  review: {
    groups: number;
    approved: number;
    overridden: number;
    /** Overrides per project: where the first model disagreed with the creator. */
    overrides_by_project: Record<string, number>;
    /** Review sets the second ingest read. */
    ingested_review_sets: number;
  };
  test_groups: number;
  before: LoopScores;
  after: LoopScores;
}

function scores(ev: EvaluateResult): LoopScores {
  const r = ev.ranker;
  if (r === null) throw new Error("Cannot compare models: the evaluation has no ranker result");
  return {
    overall_acc: r.overall_acc,
    normal_acc: r.normal_acc,
    anomaly_acc: r.anomaly_acc,
    by_project: r.by_project,
    crop_mean_iou: ev.crop?.mean_iou ?? null,
  };
}

/**
 * The review a person following the simulated creator's taste would give.
 *
 * @param decisions Automation decisions (paths relative to the sandbox root).
 * @param truthByPath Ground-truth group by member path (relative to the sandbox root).
 * @param now Review time.
 * @returns One approval or override per decision whose group is known.
 * @example
 * ```ts
 * type Args = Parameters<typeof scriptedReview>;
 * declare const decisions: Args[0], truthByPath: Args[1];
 * const approved = scriptedReview(decisions, truthByPath, new Date());
 * ```
 */
export function scriptedReview(
  decisions: readonly AutomationDecision[],
  truthByPath: ReadonlyMap<
    string,
    { chosen_path: string; crop_box: [number, number, number, number] | null }
  >,
  now: Date,
): ApprovedDecision[] {
  const out: ApprovedDecision[] = [];
  for (const d of decisions) {
    const truth = d.images.map((im) => truthByPath.get(im.path)).find((t) => t !== undefined);
    if (truth === undefined) continue;
    const chosen = d.images.findIndex((im) => im.path === truth.chosen_path);
    if (chosen < 0) continue;
    const ai = d.step1_selection.chosen_index;
    const aiCrop = d.step2_crop.needs_crop ? d.step2_crop.box : null;
    out.push({
      group_id: d.group_id,
      action: chosen === ai ? "approve" : "override",
      final_choice: chosen,
      crop_coords: truth.crop_box,
      ai_choice: ai,
      ai_crop: aiCrop,
      timestamp: now.toISOString(),
      seconds_spent: 3,
    });
  }
  return out;
}

/**
 * Run the loop: simulate → ingest → embed → train (before) → decide a review
 * batch → scripted review → ingest logs + reviews → retrain (after) →
 * evaluate both on the same untouched test groups.
 *
 * @param options Simulator size, features, seeds.
 * @returns Review counts and before/after scores.
 * @example
 * ```ts
 * const r = await runClosedLoop({ simSeed: 1, scale: 0.125 });
 * console.log(r.before.overall_acc, r.after.overall_acc);
 * ```
 */
export async function runClosedLoop(options: ClosedLoopOptions = {}): Promise<ClosedLoopResult> {
  const o = { ...defaults, ...options };
  const dir = o.workDir ?? await Deno.makeTempDir({ prefix: "keeper_loop_" });
  const simDir = join(dir, "sim");
  o.onStep("simulate");
  const sim = await simulate(simDir, {
    seed: o.simSeed,
    scale: o.scale,
    projects: o.projects,
    groups: o.groups,
    heldout: o.heldout,
  });
  const truth: GroundTruthRecord[] = (await Deno.readTextFile(join(simDir, "ground_truth.jsonl")))
    .split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
  const heldout = truth.filter((t) => t.split === "heldout");
  // Alternate groups in time order: even ones are reviewed, odd ones are the test set.
  const reviewTruth = heldout.filter((_, i) => i % 2 === 0);
  const testTruth = heldout.filter((_, i) => i % 2 === 1);

  // The review batch is a copy of its groups (images + companions) inside the sandbox.
  const batchDir = join(dir, "review_batch");
  const truthByPath = new Map<
    string,
    { chosen_path: string; crop_box: GroundTruthRecord["crop_box"] }
  >();
  for (const g of reviewTruth) {
    const destDir = join(batchDir, g.project, g.character);
    await Deno.mkdir(destDir, { recursive: true });
    const chosenRel = relative(
      dir,
      join(batchDir, g.project, g.character, g.members[g.chosen_index]!.filename),
    );
    for (const m of g.members) {
      const stem = m.filename.replace(/\.[^.]+$/, "");
      for await (const e of Deno.readDir(join(simDir, dirname(m.path)))) {
        if (e.isFile && e.name.startsWith(`${stem}.`)) {
          await Deno.copyFile(join(simDir, dirname(m.path), e.name), join(destDir, e.name));
        }
      }
      truthByPath.set(relative(dir, join(destDir, m.filename)), {
        chosen_path: chosenRel,
        crop_box: g.crop_box,
      });
    }
  }

  o.onStep("ingest the logs");
  const logsA = join(dir, "ingested_before");
  await ingestLogs(join(simDir, "logs"), { projectsDir: join(simDir, "projects"), outDir: logsA });
  o.onStep("embed");
  const batchPaths = [...truthByPath.keys()].map((p) => join(dir, p));
  const imagesRoot = join(simDir, "images");
  const simPath = (r: ImageRef) => join(imagesRoot, r.dir, r.filename);
  const cacheDb = join(dir, "features.sqlite");
  // One feature pass for everything the loop scores: the logged history, the
  // held-out groups (review batch and test set) and the review batch's copies.
  const loaded = await loadDataset(logsA, {
    imagesRoot,
    features: o.features,
    cache: cacheDb,
    visionCacheDir: join(dir, "vision_cache"),
    extraPaths: [
      ...heldout.flatMap((g) => g.members.map((m) => join(simDir, m.path))),
      ...batchPaths,
    ],
    clipByIdentity: false,
  });
  const held = heldoutFromGroundTruth(testTruth, loaded.byPath, simDir);
  const withHeldout = (ds: Dataset): Dataset => {
    ds.heldout = { groups: held.groups, crops: held.crops };
    return ds;
  };

  o.onStep("train before reviews");
  const modelsA = join(dir, "models_before");
  const dsA = withHeldout(loaded.dataset);
  await trainModels(dsA, { out: modelsA, seed: o.seed, features: o.features });
  const before = scores(
    await evaluateAll(dsA, { modelDir: modelsA, leaveOneProjectOut: false, original: false }),
  );

  o.onStep("decide the review batch");
  const decisionsFile = join(dir, "reviews", "automation_decisions.jsonl");
  await Deno.mkdir(dirname(decisionsFile), { recursive: true });
  for (const project of sim.projects) {
    await decideFolder(join(batchDir, project), {
      project,
      sandboxRoot: dir,
      out: decisionsFile,
      models: modelsA,
      cacheDb,
    });
  }
  o.onStep("review (scripted from ground truth)");
  const decisions = await readAutomationDecisions(decisionsFile);
  const approved = scriptedReview(decisions, truthByPath, new Date());
  await writeApprovedDecisions(join(dir, "reviews", "approved_decisions.jsonl"), approved);
  const overridesByProject: Record<string, number> = {};
  const projectOf = new Map(decisions.map((d) => [d.group_id, d.project]));
  for (const a of approved) {
    if (a.action !== "override") continue;
    const p = projectOf.get(a.group_id) ?? "(unknown)";
    overridesByProject[p] = (overridesByProject[p] ?? 0) + 1;
  }

  o.onStep("ingest logs + reviews, retrain");
  const logsB = join(dir, "ingested_after");
  const combined = join(dir, "logs_with_reviews");
  await Deno.mkdir(combined, { recursive: true });
  for await (const e of Deno.readDir(join(simDir, "logs"))) {
    if (e.isFile) await Deno.copyFile(join(simDir, "logs", e.name), join(combined, e.name));
  }
  for (const name of ["automation_decisions.jsonl", "approved_decisions.jsonl"]) {
    await Deno.copyFile(join(dir, "reviews", name), join(combined, name));
  }
  await ingestLogs(combined, { projectsDir: join(simDir, "projects"), outDir: logsB });
  const storeB = await readIngested(logsB);
  const reviewSets = storeB.selections.filter((s) => s.kind === "review").length;
  // Review images are named relative to the sandbox root; logged ones live under sim/images.
  // Every image of this store already has features (the pass above): join, do not recompute.
  const resolve = (r: ImageRef): string =>
    r.path.startsWith("review_batch/") ? join(dir, r.path) : simPath(r);
  const byPath: Map<string, ImageFeatures> = loaded.byPath;
  const modelsB = join(dir, "models_after");
  const dsB = withHeldout(buildDataset(storeB, byPath, { imagesRoot, resolve }));
  await trainModels(dsB, { out: modelsB, seed: o.seed, features: o.features });
  const after = scores(
    await evaluateAll(dsB, { modelDir: modelsB, leaveOneProjectOut: false, original: false }),
  );
  return {
    dir,
    sim,
    review: {
      groups: approved.length,
      approved: approved.filter((a) => a.action === "approve").length,
      overridden: approved.filter((a) => a.action === "override").length,
      overrides_by_project: overridesByProject,
      ingested_review_sets: reviewSets,
    },
    test_groups: held.groups.length,
    before,
    after,
  };
}
