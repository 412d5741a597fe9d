/**
 * Score automation decisions against simulator ground truth, end to end:
 * grouping (pairwise), pick accuracy and crop IoU.
 *
 * @module
 */
import type { AutomationDecision, Box } from "../types.ts";
import { type GroupingScore, scoreGrouping } from "../group/mod.ts";
import { iou } from "../math/mod.ts";

/** The fields of a ground-truth group this scorer reads (lib/sim's `GroundTruthRecord` fits). */
export interface TruthGroup {
  /** Members; `stage` (when given) lets the score compare with "always keep the highest stage". */
  members: { path: string; stage?: number }[];
  chosen_path: string;
  needs_crop: boolean;
  crop_box: Box | null;
  anomaly?: boolean;
}

/** Options for {@linkcode scoreDecisions}. */
export interface ScoreDecisionsOptions {
  /** Only score truth groups with at least this many members. */
  minMembers?: number;
}

const defaults = { minMembers: 2 } satisfies Required<ScoreDecisionsOptions>;

/** End-to-end scores. */
export interface DecisionScore {
  /** Truth groups scored. */
  groups: number;
  /** Truth groups whose chosen image is in some decision. */
  covered: number;
  /** Share of truth groups whose chosen image is the pick of the decision holding it. */
  pick_accuracy: number;
  /** The same over anomaly groups (lower stage kept); null when there are none. */
  anomaly_pick_accuracy: number | null;
  /** Mean IoU of the decision's crop with the true crop (full frame stands for "no crop"). */
  crop_iou: number;
  /** Mean IoU over groups the creator cropped and keeper proposed a crop for; null when none. */
  crop_iou_cropped: number | null;
  /** Share of covered groups where needs_crop agrees. */
  needs_crop_accuracy: number;
  grouping: GroupingScore;
  /**
   * Pick accuracy of keeper and of "keep the highest stage" per class of truth
   * group: all, normal, anomaly (the creator kept a lower stage), flagged (the
   * decision holding the kept image carries a flag) and auto-approvable. A
   * class with no group has null accuracies (print "n/a", not 0 %).
   */
  by_class: Record<ScoreClass, ClassScore>;
}

/** The classes of {@linkcode DecisionScore.by_class}. */
export type ScoreClass = "all" | "normal" | "anomaly" | "flagged" | "auto_approvable";

/** Keeper against the highest-stage baseline on one class of groups. */
export interface ClassScore {
  groups: number;
  /** Share keeper picked right; null without groups. */
  keeper: number | null;
  /** Share "keep the highest stage" gets right; null without groups or member stages. */
  highest_stage: number | null;
}

const FULL: Box = [0, 0, 1, 1];

/**
 * Compare decisions with ground truth. Paths match when one ends with the
 * other at a `/` boundary (decision paths are relative to the sandbox root,
 * truth paths to the simulator's output root). A truth group counts as
 * correct when the decision containing its chosen image picked exactly it.
 *
 * @param decisions Automation decisions (one per predicted group).
 * @param truth Ground-truth groups.
 * @param options Minimum group size.
 * @returns Pick accuracy, crop IoU, needs-crop accuracy and pairwise grouping scores.
 * @example
 * ```ts
 * import { readAutomationDecisions } from "../decisions/mod.ts";
 * declare const out: string, truthRecords: TruthGroup[];
 * const s = scoreDecisions(await readAutomationDecisions(out), truthRecords);
 * console.log(s.pick_accuracy, s.crop_iou, s.grouping.f1);
 * ```
 */
export function scoreDecisions(
  decisions: readonly AutomationDecision[],
  truth: readonly TruthGroup[],
  options: ScoreDecisionsOptions = {},
): DecisionScore {
  const opts = { ...defaults, ...options };
  const groups = truth.filter((t) => t.members.length >= opts.minMembers);
  const known = new Set<string>();
  for (const t of groups) for (const m of t.members) known.add(norm(m.path));
  // Map each decision image to the truth path it names (longest suffix match).
  const toTruth = (path: string): string | null => {
    let p = norm(path);
    for (;;) {
      if (known.has(p)) return p;
      const i = p.indexOf("/");
      if (i < 0) return null;
      p = p.slice(i + 1);
    }
  };
  const holder = new Map<string, AutomationDecision>();
  const predicted: string[][] = [];
  for (const d of decisions) {
    const members: string[] = [];
    for (const img of d.images) {
      const k = toTruth(img.path);
      if (k === null) continue;
      holder.set(k, d);
      members.push(k);
    }
    predicted.push(members);
  }
  const tally: Record<ScoreClass, { n: number; keeper: number; highest: number; staged: number }> =
    {
      all: { n: 0, keeper: 0, highest: 0, staged: 0 },
      normal: { n: 0, keeper: 0, highest: 0, staged: 0 },
      anomaly: { n: 0, keeper: 0, highest: 0, staged: 0 },
      flagged: { n: 0, keeper: 0, highest: 0, staged: 0 },
      auto_approvable: { n: 0, keeper: 0, highest: 0, staged: 0 },
    };
  let covered = 0, correct = 0, anomalies = 0, anomalyCorrect = 0;
  let iouSum = 0, cropHits = 0, croppedSum = 0, croppedN = 0;
  for (const t of groups) {
    const chosen = norm(t.chosen_path);
    const key = known.has(chosen) ? chosen : toTruth(chosen);
    const d = key === null ? undefined : holder.get(key);
    const ok = d !== undefined && toTruth(d.step1_selection.chosen) === key;
    const highest = highestStage(t);
    const classes: ScoreClass[] = ["all", t.anomaly ? "anomaly" : "normal"];
    if (d !== undefined && d.flags.length > 0) classes.push("flagged");
    if (d !== undefined && d.step1_selection.auto_approvable) classes.push("auto_approvable");
    for (const c of classes) {
      const k = tally[c];
      k.n++;
      if (ok) k.keeper++;
      if (highest !== null) {
        k.staged++;
        if (norm(highest) === norm(t.chosen_path)) k.highest++;
      }
    }
    if (t.anomaly) {
      anomalies++;
      if (ok) anomalyCorrect++;
    }
    if (d === undefined) continue;
    covered++;
    if (ok) correct++;
    const predBox = d.step2_crop.needs_crop && d.step2_crop.box ? d.step2_crop.box : FULL;
    const trueBox = t.needs_crop && t.crop_box ? t.crop_box : FULL;
    iouSum += iou(predBox, trueBox);
    if (d.step2_crop.needs_crop === t.needs_crop) cropHits++;
    if (t.needs_crop && d.step2_crop.needs_crop) {
      croppedSum += iou(predBox, trueBox);
      croppedN++;
    }
  }
  const n = groups.length;
  return {
    groups: n,
    covered,
    pick_accuracy: n > 0 ? correct / n : 0,
    anomaly_pick_accuracy: anomalies > 0 ? anomalyCorrect / anomalies : null,
    crop_iou: covered > 0 ? iouSum / covered : 0,
    crop_iou_cropped: croppedN > 0 ? croppedSum / croppedN : null,
    needs_crop_accuracy: covered > 0 ? cropHits / covered : 0,
    grouping: scoreGrouping(predicted, groups.map((t) => t.members.map((m) => norm(m.path)))),
    by_class: Object.fromEntries(
      Object.entries(tally).map(([c, k]) => [c, {
        groups: k.n,
        keeper: k.n > 0 ? k.keeper / k.n : null,
        highest_stage: k.staged > 0 ? k.highest / k.staged : null,
      }]),
    ) as Record<ScoreClass, ClassScore>,
  };
}

/** The member "keep the highest stage" keeps (the first of equals), or null without stages. */
function highestStage(t: TruthGroup): string | null {
  let best: { path: string; stage: number } | null = null;
  for (const m of t.members) {
    if (m.stage === undefined) return null;
    if (best === null || m.stage > best.stage) best = { path: m.path, stage: m.stage };
  }
  return best?.path ?? null;
}

function norm(path: string): string {
  return path.replaceAll("\\", "/").replace(/^\.\//, "");
}
