/**
 * One group → one automation decision record: rank the readable members,
 * pick, flag, propose a crop for the pick and explain both in sentences.
 *
 * @module
 */
import { basename, isAbsolute, relative, resolve } from "node:path";
import type {
  AutomationDecision,
  DecisionImage,
  GroupMemberInput,
  ImageFeatures,
  RankResult,
} from "../types.ts";
import { parseStage } from "../paths/mod.ts";
import { dirOf, type GroupImagesOptions, type ImageGroup } from "../group/mod.ts";
import { toDecisionPath } from "../decisions/mod.ts";
import { cropReasons, selectionReasons } from "./_reasons.ts";
import type { DecideParts } from "./decide_parts.ts";

/** What {@linkcode decideGroup} needs besides the group. */
export interface GroupContext {
  project: string;
  created: string;
  root: string;
  byPath: Map<string, ImageFeatures>;
  failed: Map<string, string>;
  shaOf: Map<string, string>;
  parts: DecideParts;
  opts: {
    autoApproveMin: number;
    lowConfidenceBelow: number;
    needsCropMin: number;
    grouping: GroupImagesOptions;
  };
}

/** One group → one decision record (pure given loaded parts and features). */
export function decideGroup(
  group: ImageGroup,
  groupId: string,
  ctx: GroupContext,
): AutomationDecision {
  const { opts, parts } = ctx;
  const stageTable = opts.grouping.stages ? { stages: opts.grouping.stages } : {};
  const stages = group.members.map((p) => parseStage(basename(p), stageTable));
  const names = group.members.map((p) => basename(p));
  const ranked: number[] = [];
  const inputs: GroupMemberInput[] = [];
  group.members.forEach((p, i) => {
    const f = ctx.byPath.get(p);
    if (f === undefined) return;
    ranked.push(i);
    inputs.push({
      path: p,
      project: ctx.project,
      stage: stages[i] ?? null,
      width: f.width,
      height: f.height,
      features: f,
    });
  });
  const flags: string[] = [];
  const unreadable = group.members.length - ranked.length;
  if (unreadable > 0) flags.push("unreadable_image");
  if (new Set(group.members.map(dirOf)).size > 1) flags.push("mixed_directories");
  if (group.split) flags.push("group_split");
  if (group.members.some((p) => !inside(ctx.root, p))) flags.push("outside_sandbox");

  let rank: RankResult = { scores: [], probabilities: [], notes: [] };
  let chosen = 0, confidence = 0, margin = 0;
  if (inputs.length > 0) {
    rank = parts.ranker.rank(inputs);
    if (group.kind === "exact_duplicate") {
      // Identical bytes: any copy is the same picture, so keep the first by name, surely.
      chosen = 0;
      confidence = 1;
      margin = 1;
    } else {
      const order = rank.probabilities.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p);
      chosen = order[0]!.i;
      confidence = clamp01(order[0]!.p);
      margin = clamp01(order[0]!.p - (order[1]?.p ?? 0));
    }
  }
  const chosenIndex = inputs.length > 0 ? ranked[chosen]! : 0;
  const known = ranked.map((k) => stages[k]).filter((s): s is number => s != null);
  const cs = stages[chosenIndex];
  if (cs != null && known.length > 0 && cs < Math.max(...known)) flags.push("anomaly_suspected");
  const low = inputs.length === 0 || confidence < opts.lowConfidenceBelow;
  if (low) flags.push("low_confidence");

  const images: DecisionImage[] = group.members.map((p, i) => {
    const f = ctx.byPath.get(p);
    const r = ranked.indexOf(i);
    const img: DecisionImage = {
      path: toDecisionPath(ctx.root, p),
      sha256: ctx.shaOf.get(p) ?? "",
      stage: stages[i] ?? null,
      width: f?.width ?? 0,
      height: f?.height ?? 0,
      score: r >= 0 ? round(rank.scores[r] ?? 0) : 0,
    };
    if (r >= 0 && rank.probabilities[r] !== undefined) {
      img.probability = round(clamp01(rank.probabilities[r]));
    }
    return img;
  });

  let crop = {
    needs_crop: false,
    box: null as AutomationDecision["step2_crop"]["box"],
    confidence: 0,
  };
  let cropWhy: string[] = ["no crop proposed: no readable image"];
  if (inputs.length > 0) {
    const proposal = parts.crop.propose(inputs[chosen]!);
    const needs = proposal.needs_crop >= opts.needsCropMin;
    const box = needs ? proposal.box.map(round) as [number, number, number, number] : null;
    crop = {
      needs_crop: needs,
      box,
      confidence: round(
        clamp01(
          needs ? Math.min(proposal.needs_crop, proposal.confidence) : 1 - proposal.needs_crop,
        ),
      ),
    };
    cropWhy = cropReasons(
      needs,
      proposal.needs_crop,
      box,
      proposal.confidence,
      parts.crop.identity.startsWith("fallback"),
    );
  }
  if (
    parts.crop.identity.startsWith("fallback") && !cropWhy.some((r) => r.includes(NO_CROP_MODEL))
  ) {
    cropWhy.push(`${NO_CROP_MODEL}: the median top-anchored box stands in`);
  }
  const threshold = parts.ranker.autoApproveThreshold === undefined
    ? opts.autoApproveMin
    : parts.ranker.autoApproveThreshold;
  // A ranker with its own band (per-project threshold, no step suspected broken) decides alone.
  // (Identical bytes are sure whatever the ranker says.)
  const byThreshold = threshold !== null && confidence >= threshold;
  const inBand = group.kind === "exact_duplicate"
    ? byThreshold
    : (rank.auto_approvable ?? byThreshold);
  const autoOk = inputs.length > 0 && inBand && flags.length === 0;
  return {
    group_id: groupId,
    project: ctx.project,
    created: ctx.created,
    grouping: group.kind,
    models: { ranker: parts.ranker.identity, crop: parts.crop.identity, embedder: parts.embedder },
    images,
    step1_selection: {
      chosen_index: chosenIndex,
      chosen: images[chosenIndex]!.path,
      confidence: round(confidence),
      margin: round(margin),
      reasons: withRankerNote(
        parts.ranker.identity,
        inputs.length > 0
          ? selectionReasons({
            kind: group.kind,
            stages,
            names,
            ranked,
            rank,
            chosen,
            confidence,
            margin,
            unreadable,
            lowConfidence: low,
            learned: !parts.ranker.identity.startsWith("fallback"),
          })
          : ["no image in this group could be read: nothing to compare"],
      ),
      auto_approvable: autoOk,
    },
    step2_crop: { ...crop, reasons: cropWhy },
    flags,
  };
}

/** Said in a decision's reasons when no trained ranker decided the pick. */
export const NO_RANKER = "no trained ranker";
/** Said in a decision's reasons when no trained crop model proposed the crop. */
export const NO_CROP_MODEL = "no trained crop model";

function withRankerNote(identity: string, reasons: string[]): string[] {
  if (!identity.startsWith("fallback") || reasons.some((r) => r.includes(NO_RANKER))) {
    return reasons;
  }
  return [...reasons, `${NO_RANKER} (run train): the highest stage stands in`];
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** True when `child` is `parent` or inside it (lexically, after resolving). */
export function inside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}
