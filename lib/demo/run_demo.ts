/**
 * The demo pipeline: the real logs' analysis, then a simulated creator
 * project taken through simulate → ingest → embed → train → evaluate →
 * decide, scored against ground truth, and either handed to the reviewer or
 * (no server) applied as a dry-run plan for the auto-approvable groups.
 * Every step reuses what an earlier run left in the work folder.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { analyzeAnomalies } from "../anomaly/mod.ts";
import { ingestLogs, readIngested } from "../logs/mod.ts";
import { runExperiment } from "../pipeline/mod.ts";
import { readAutomationDecisions } from "../decisions/mod.ts";
import { decideFolder, scoreDecisions } from "../decide/mod.ts";
import type { DecideSummary, DecisionScore, TruthGroup } from "../decide/mod.ts";
import { planApply } from "../apply/mod.ts";
import { DEFAULT_RATES } from "../sim/mod.ts";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import type { EvaluateResult, ExperimentResult } from "../pipeline/mod.ts";
import type { IngestSummary } from "../logs/mod.ts";
import type { AnomalyReport } from "../anomaly/mod.ts";

/** Options for {@linkcode runDemo}. */
export interface RunDemoOptions {
  /** The shipped real logs (`training/`, `projects/`, `project_map.json`). */
  originalDir?: string;
  /** Sandbox root of the demo: simulated images, decisions and plans live here. */
  sandboxRoot?: string;
  /** Simulator seed, scale and sizes (small: the demo must run in minutes). */
  simSeed?: number;
  scale?: number;
  groups?: number;
  heldout?: number;
  /**
   * Share of groups where the creator kept a lower stage. The demo has one
   * project; at the simulator's lowest default (0.005) its held-out groups held
   * no anomaly, so keeper could not show what it is for. 0.17 is the highest
   * per-project rate the simulator models after the creator's projects.
   */
  anomalyRate?: number;
  /** Step names as they start. */
  onStep?: (step: string) => void;
  /** After deciding: plan (dry run) `apply` of the auto-approvable groups (`--no-serve`). */
  dryRunApply?: boolean;
  /** Told the result once decisions are scored, before the dry run (`applyDryRun` still null). */
  onDecided?: (result: DemoResult) => void;
}

const defaults = {
  originalDir: "data/original",
  sandboxRoot: "sandbox/demo",
  simSeed: 1,
  scale: 0.25,
  groups: 160,
  heldout: 60,
  anomalyRate: Math.max(...DEFAULT_RATES),
  onStep: () => {},
  dryRunApply: false,
  onDecided: () => {},
} satisfies Required<RunDemoOptions>;

function sumDecide(a: DecideSummary, b: DecideSummary): DecideSummary {
  const flags = { ...a.flags };
  for (const [k, v] of Object.entries(b.flags)) flags[k] = (flags[k] ?? 0) + v;
  return {
    groups: a.groups + b.groups,
    decided: a.decided + b.decided,
    skipped: a.skipped + b.skipped,
    auto_approvable: a.auto_approvable + b.auto_approvable,
    flagged: a.flagged + b.flagged,
    seconds: a.seconds + b.seconds,
    singletons: a.singletons + b.singletons,
    images: a.images + b.images,
    unreadable: a.unreadable + b.unreadable,
    unreadable_files: [...a.unreadable_files, ...b.unreadable_files],
    flags,
    out: b.out,
    models: b.models,
  };
}

/** What {@linkcode runDemo} did. */
export interface DemoResult {
  real: { ingest: IngestSummary; anomalies: AnomalyReport };
  experiment: { seconds: ExperimentResult["seconds"]; evaluation: EvaluateResult };
  decide: DecideSummary;
  /** Decisions scored against the simulator's ground truth for the held-out groups. */
  score: DecisionScore;
  decisionsFile: string;
  sandboxRoot: string;
  /** The dry-run apply of the auto-approvable groups (with `dryRunApply`), else null. */
  applyDryRun: DryRunBand | null;
}

/** What {@linkcode dryRunBand} planned: groups approved, plan totals, the plan file. */
export interface DryRunBand {
  approved: number;
  totals: Record<string, number>;
  planFile: string;
}

/**
 * Build the approvals a person would give with "approve all in the
 * auto-approve band": the AI pick and its crop, for auto-approvable groups.
 *
 * @param decisions Automation decisions.
 * @param now Review time.
 * @returns Approved records.
 * @example
 * ```ts
 * import { readAutomationDecisions } from "../decisions/mod.ts";
 * declare const file: string;
 * const approved = bandApprovals(await readAutomationDecisions(file), new Date());
 * ```
 */
export function bandApprovals(
  decisions: readonly AutomationDecision[],
  now: Date,
): ApprovedDecision[] {
  return decisions.filter((d) => d.step1_selection.auto_approvable).map((d) => {
    const crop = d.step2_crop.needs_crop ? d.step2_crop.box : null;
    return {
      group_id: d.group_id,
      action: "approve",
      final_choice: d.step1_selection.chosen_index,
      crop_coords: crop,
      ai_choice: d.step1_selection.chosen_index,
      ai_crop: crop,
      timestamp: now.toISOString(),
      seconds_spent: 0,
    };
  });
}

/**
 * Run the demo pipeline up to decisions, and with `dryRunApply` the dry-run
 * apply of the auto-approvable groups (otherwise the reviewer is the caller's
 * next step).
 *
 * @param options Folders, simulator size, progress callbacks, whether to dry-run apply.
 * @returns Summaries of each step.
 * @example
 * ```ts
 * const r = await runDemo({ scale: 0.125 });
 * console.log(r.score.pick_accuracy);
 * ```
 */
export async function runDemo(options: RunDemoOptions = {}): Promise<DemoResult> {
  const o = { ...defaults, ...options };
  const root = resolve(o.sandboxRoot);
  await Deno.mkdir(root, { recursive: true });

  o.onStep("ingest + analyze the creator's real logs");
  const ingest = await ingestLogs(join(o.originalDir, "training"), {
    projectsDir: join(o.originalDir, "projects"),
    projectMap: join(o.originalDir, "project_map.json"),
    outDir: join(root, "real_ingested"),
  });
  const anomalies = analyzeAnomalies((await readIngested(join(root, "real_ingested"))).selections);

  const experiment = () =>
    runExperiment({
      simSeed: o.simSeed,
      scale: o.scale,
      projects: 1,
      groups: o.groups,
      heldout: o.heldout,
      anomalyRate: [o.anomalyRate],
      workDir: root,
      leaveOneProjectOut: false,
      // The demo stays quick: no vision pass for the subject crop (decide would then run
      // vision on every image too).
      cropVision: false,
      onStep: (s) => o.onStep(s),
    });
  let exp;
  try {
    exp = await experiment();
  } catch (error) {
    // The simulator refuses a folder holding another simulation (other options
    // or an older simulator version). The demo folder is the demo's own
    // generated output, so start it afresh instead of failing.
    if (!(error instanceof Error && /is not empty/.test(error.message))) throw error;
    o.onStep(`the demo folder holds an older simulation: rebuilding ${root}`);
    await Deno.remove(root, { recursive: true });
    await Deno.mkdir(root, { recursive: true });
    await ingestLogs(join(o.originalDir, "training"), {
      projectsDir: join(o.originalDir, "projects"),
      projectMap: join(o.originalDir, "project_map.json"),
      outDir: join(root, "real_ingested"),
    });
    exp = await experiment();
  }

  o.onStep("decide on the held-out (never logged) groups");
  const decisionsFile = join(root, "automation_decisions.jsonl");
  // One call per project folder, so each decision records its project.
  let decide: DecideSummary | undefined;
  for (const project of exp.sim.projects) {
    const r = await decideFolder(join(root, "sim", "heldout", project), {
      project,
      sandboxRoot: root,
      out: decisionsFile,
      models: join(root, "models"),
      cacheDb: join(root, "features.sqlite"),
      order: "uncertain",
      // The demo retrains on every run: decisions always come from the current models.
      force: true,
    });
    decide = decide === undefined ? r : sumDecide(decide, r);
  }
  if (decide === undefined) throw new Error("Cannot decide: the simulation has no project");
  const truth = (await Deno.readTextFile(join(root, "sim", "ground_truth.jsonl")))
    .split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as TruthGroup & { split: string })
    .filter((t) => t.split === "heldout");
  const score = scoreDecisions(await readAutomationDecisions(decisionsFile), truth);
  const result: DemoResult = {
    real: { ingest, anomalies },
    experiment: { seconds: exp.seconds, evaluation: exp.evaluation },
    decide,
    score,
    decisionsFile,
    sandboxRoot: root,
    applyDryRun: null,
  };
  o.onDecided(result);
  if (o.dryRunApply) result.applyDryRun = await dryRunBand(root, decisionsFile);
  return result;
}

/**
 * Plan (dry-run) what `apply` would do for the auto-approvable groups and
 * write the plan under `<sandbox>/plans/`.
 *
 * @param sandboxRoot The demo's sandbox root.
 * @param decisionsFile Its automation decisions.
 * @returns Plan totals and the plan's path.
 * @example
 * ```ts
 * const { totals } = await dryRunBand("sandbox/demo", "sandbox/demo/automation_decisions.jsonl");
 * ```
 */
export async function dryRunBand(
  sandboxRoot: string,
  decisionsFile: string,
): Promise<DryRunBand> {
  const decisions = await readAutomationDecisions(decisionsFile);
  const approved = bandApprovals(decisions, new Date());
  // planApply writes the plan (atomically) to <root>/plans/<run-id>.json.
  const plan = await planApply(sandboxRoot, { approved, decisions, decisionsFile });
  return {
    approved: approved.length,
    totals: { ...plan.totals },
    planFile: join(plan.sandbox_root, plan.folders.plans, `${plan.run_id}.json`),
  };
}
