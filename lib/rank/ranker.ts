/**
 * Load a trained ranker (ONNX + metadata) and rank a group synchronously
 * with calibrated probabilities and short notes; without a model, fall
 * back to "keep the highest stage".
 *
 * @module
 */
import { SIGNATURE_BLOCK } from "../signature/mod.ts";
import { join } from "node:path";
import type { GroupMemberInput, RankResult } from "../types.ts";
import { denseForward, readOnnxMlp } from "../nn/mod.ts";
import { softmax } from "./calibration.ts";
import { isApprovable } from "./auto_approve.ts";
import { transitionNotes } from "./rank_features.ts";
import {
  type ChainVerdict,
  checkChainModel,
  evaluateChain,
  mixChainScores,
} from "./chain_model.ts";
import { rankerInputs, type RankerMeta, type TrainedRanker } from "./train_ranker.ts";

/** File names inside a model folder. */
export const RANKER_FILES = { onnx: "ranker.onnx", meta: "ranker.json" } as const;

/** Ranks the members of one group. */
export interface Ranker {
  identity: string;
  /** Extra feature blocks (`ImageFeatures.blocks` names) the model reads; [] for none. */
  blocks: string[];
  /** Confidence at or above which a pick may be auto-approved (null: never). */
  autoApproveThreshold: number | null;
  rank(members: GroupMemberInput[]): RankResult;
  dispose(): void;
}

function stageText(m: GroupMemberInput): string {
  return m.stage === null ? "unstaged" : `stage ${m.stage}`;
}

/**
 * Short phrases about what drove each member's score relative to the top.
 *
 * @param members The group.
 * @param scores Raw scores (same order).
 * @param learned Whether scores come from a learned model.
 * @returns Notes per member.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * rankNotes(members, [2, 0], true)[1]; // ["much lower learned quality than stage 3"]
 * ```
 */
export function rankNotes(
  members: GroupMemberInput[],
  scores: number[],
  learned: boolean,
): string[][] {
  let top = 0;
  scores.forEach((s, i) => (s > scores[top]! ? (top = i) : 0));
  const maxStage = Math.max(...members.map((m) => m.stage ?? 0));
  const maxPixels = Math.max(...members.map((m) => m.width * m.height));
  const what = learned ? "learned quality" : "stage";
  return members.map((m, i) => {
    const notes: string[] = [];
    const gap = scores[top]! - scores[i]!;
    if (i === top) {
      notes.push(learned ? "highest learned quality in group" : "highest stage in group");
      if ((m.stage ?? 0) < maxStage) notes.push(`preferred over a higher stage (${maxStage})`);
    } else if (gap > 2) notes.push(`much lower ${what} than ${stageText(members[top]!)}`);
    else if (gap > 0.5) notes.push(`lower ${what} than ${stageText(members[top]!)}`);
    else notes.push(`close call with ${stageText(members[top]!)}`);
    if (m.width * m.height < 0.5 * maxPixels) {
      notes.push("lower resolution than the group's largest");
    }
    return notes;
  });
}

function addNotes(a: string[][], b: string[][]): string[][] {
  return a.map((n, i) => [...n, ...(b[i] ?? [])]);
}

/** Probability at or above which the chain model's verdict on a step is a note. */
const BROKEN_NOTE = 0.5;

/** "stage 2 vs stage 1.5: this step looks broken (93% by the step model)", per member. */
function chainNotes(verdict: ChainVerdict | null, members: GroupMemberInput[]): string[][] {
  const notes = members.map((): string[] => []);
  for (const s of verdict?.steps ?? []) {
    if (s.broken < BROKEN_NOTE) continue;
    notes[s.to]!.push(
      `${stageText(members[s.to]!)} vs ${stageText(members[s.from]!)}: this step looks broken (${
        Math.round(s.broken * 100)
      }% by the step model)`,
    );
  }
  return notes;
}

/**
 * The temperature a group is calibrated with: the suspected groups' own when the ranker has one
 * and the chain model's suspicion is above its cut, else the ranker's temperature.
 *
 * @param meta The ranker's metadata.
 * @param suspicion Highest P(step broken) of the group (0 without a chain model).
 * @returns The softmax temperature.
 * @example
 * ```ts
 * declare const meta: Parameters<typeof groupTemperature>[0];
 * groupTemperature(meta, 0.02); // meta.temperature for a clean group
 * ```
 */
export function groupTemperature(
  meta: Pick<RankerMeta, "temperature" | "temperature_suspicious">,
  suspicion: number,
): number {
  const s = meta.temperature_suspicious;
  return s && suspicion > s.cut ? s.temperature : meta.temperature;
}

/**
 * A ranker over a trained model.
 *
 * @param model ONNX bytes + metadata.
 * @returns The ranker.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * declare const trained: Parameters<typeof rankerFrom>[0];
 * rankerFrom(trained).rank(members).probabilities;
 * ```
 */
export function rankerFrom(model: TrainedRanker): Ranker {
  const dense = readOnnxMlp(model.onnx);
  const meta = model.meta;
  return {
    identity: meta.identity,
    blocks: [
      ...meta.layout.image.blocks.map((b) => b.name),
      // Transition columns read the pixel signature.
      ...(meta.layout.transitions ? [SIGNATURE_BLOCK] : []),
    ],
    autoApproveThreshold: meta.auto_approve_threshold,
    rank(members: GroupMemberInput[]): RankResult {
      if (members.length === 0) return { scores: [], probabilities: [], notes: [] };
      const { x } = rankerInputs([members], meta.layout, meta.group_context);
      const mlp = Array.from(denseForward(dense, x, members.length));
      // The chain model's verdict also guards the auto-approve band when its score is not mixed in.
      const verdict = meta.chain ? evaluateChain(meta.chain, members, meta.layout) : null;
      const chain = meta.chain && meta.chain.mix.chain > 0 ? meta.chain : null;
      const scores = chain ? mixChainScores(mlp, verdict?.logProbs ?? null, chain.mix) : mlp;
      const suspicion = Math.max(0, ...(verdict?.steps ?? []).map((s) => s.broken));
      const probabilities = softmax(scores, groupTemperature(meta, suspicion));
      return {
        scores,
        probabilities,
        notes: addNotes(
          addNotes(rankNotes(members, scores, true), chainNotes(verdict, members)),
          transitionNotes(members, meta.layout),
        ),
        ...(meta.chain ? { suspicion } : {}),
        ...(meta.auto_approve
          ? {
            auto_approvable: isApprovable(
              meta.auto_approve,
              members[0]!.project,
              Math.max(...probabilities),
              suspicion,
            ),
          }
          : {}),
      };
    },
    dispose(): void {},
  };
}

/**
 * Scores of the highest-stage rule (ties: more pixels, then later member).
 *
 * @param members The group.
 * @returns One score per member; the highest is the rule's pick.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * highestStageScores(members);
 * ```
 */
export function highestStageScores(members: GroupMemberInput[]): number[] {
  const maxPixels = Math.max(1, ...members.map((m) => m.width * m.height));
  return members.map((m, i) => (m.stage ?? 0) * 10 + (m.width * m.height) / maxPixels + i * 1e-6);
}

/**
 * The no-model ranker: keep the highest stage, probability 0.9 for it
 * (roughly that rule's accuracy on real logs), the rest shared.
 *
 * @returns The ranker.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * fallbackRanker().rank(members);
 * ```
 */
export function fallbackRanker(): Ranker {
  return {
    identity: "fallback:highest-stage",
    blocks: [],
    autoApproveThreshold: null,
    rank(members: GroupMemberInput[]): RankResult {
      const scores = highestStageScores(members);
      let top = 0;
      scores.forEach((s, i) => (s > scores[top]! ? (top = i) : 0));
      const n = members.length;
      const probabilities = members.map((_, i) => n === 1 ? 1 : i === top ? 0.9 : 0.1 / (n - 1));
      return { scores, probabilities, notes: rankNotes(members, scores, false) };
    },
    dispose(): void {},
  };
}

/**
 * Write `ranker.onnx` and `ranker.json` into a folder.
 *
 * @param dir Model folder (created).
 * @param model Trained ranker.
 * @example
 * ```ts
 * declare const trained: Parameters<typeof saveRanker>[1];
 * await saveRanker("data/ai_data/models", trained);
 * ```
 */
export async function saveRanker(dir: string, model: TrainedRanker): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(join(dir, RANKER_FILES.onnx), model.onnx);
  await Deno.writeTextFile(
    join(dir, RANKER_FILES.meta),
    JSON.stringify(model.meta, null, 2) + "\n",
  );
}

/** Read a saved ranker's bytes and metadata. */
export async function readRankerModel(dir: string): Promise<TrainedRanker> {
  const onnx = await Deno.readFile(join(dir, RANKER_FILES.onnx));
  const path = join(dir, RANKER_FILES.meta);
  const meta: RankerMeta = JSON.parse(await Deno.readTextFile(path));
  const problem = meta.chain ? checkChainModel(meta.chain) : null;
  if (problem) {
    throw new Error(
      `Cannot load ranker: "${path}" field chain: ${problem} (retrain with \`deno task train\`)`,
    );
  }
  return { onnx, meta };
}

/** Options for {@linkcode loadRanker}. */
export interface LoadRankerOptions {
  /** Return the highest-stage fallback when the folder holds no model. */
  fallback?: boolean;
}

const loadDefaults = { fallback: true } satisfies Required<LoadRankerOptions>;

/**
 * Load the ranker from a model folder.
 *
 * @param modelDir Folder with `ranker.onnx` + `ranker.json`.
 * @param options Fallback policy.
 * @returns The ranker (fallback when absent and allowed).
 * @example
 * ```ts
 * const ranker = await loadRanker("data/ai_data/models");
 * ```
 */
export async function loadRanker(
  modelDir: string,
  options: LoadRankerOptions = {},
): Promise<Ranker> {
  const o = { ...loadDefaults, ...options };
  try {
    return rankerFrom(await readRankerModel(modelDir));
  } catch (error) {
    if (o.fallback && error instanceof Deno.errors.NotFound) return fallbackRanker();
    if (error instanceof Error && error.message.startsWith("Cannot load ranker")) throw error;
    throw new Error(`Cannot load ranker: "${modelDir}" has no readable model`, { cause: error });
  }
}
