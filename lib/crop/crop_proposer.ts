/**
 * Load a trained crop proposer (ONNX + metadata JSON) and propose one box
 * per image synchronously; without a model, fall back to the median
 * top-anchored box.
 *
 * @module
 */
import { join } from "node:path";
import type { Box, CropProposal, GroupMemberInput } from "../types.ts";
import { denseForward, type DenseMlp, readOnnxMlp } from "../nn/mod.ts";
import { cropInputSize, writeCropInput } from "./crop_features.ts";
import { type CropModelMeta, decodeCropRow, type TrainedCropModel } from "./train_crop.ts";
import { blendProposal } from "./blend_crop.ts";
import { checkSubjectCropModel } from "./subject_crop.ts";

/** File names inside a model folder. */
export const CROP_FILES = { onnx: "crop.onnx", meta: "crop.json" } as const;

/**
 * Median box of the real crop log (`data/original/training/select_crop_log.csv`,
 * 7,194 rows, per-coordinate median [0.1166, 0, 0.8740, 0.7553], made exactly square):
 * a top-anchored box of side 0.7564.
 */
export const FALLBACK_BOX: Box = [0.1171, 0, 0.8735, 0.7564];

/** Proposes crops for single images. */
export interface CropProposer {
  identity: string;
  /** Extra feature blocks (`ImageFeatures.blocks` names) the model reads; [] for none. */
  blocks: string[];
  propose(member: GroupMemberInput): CropProposal;
  dispose(): void;
}

/**
 * A proposer over a trained model's weights.
 *
 * @param model ONNX bytes and metadata.
 * @returns The proposer.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const trained: Parameters<typeof cropProposerFrom>[0], member: GroupMemberInput;
 * const p = cropProposerFrom(trained); p.propose(member).box;
 * ```
 */
export function cropProposerFrom(model: TrainedCropModel): CropProposer {
  const dense: DenseMlp = readOnnxMlp(model.onnx);
  const layout = model.meta.layout;
  const d = cropInputSize(layout);
  const learned = (member: GroupMemberInput): CropProposal => {
    const x = new Float32Array(d);
    writeCropInput(member, layout, x, 0);
    const r = decodeCropRow(denseForward(dense, x, 1), 0);
    return { needs_crop: r.needs, box: r.box, confidence: r.conf };
  };
  const { subject, blend } = model.meta;
  const blocks = model.meta.layout.image.blocks.map((b) => b.name);
  if (!subject || !blend) {
    return { identity: model.meta.identity, blocks, propose: learned, dispose() {} };
  }
  return {
    identity: `${model.meta.identity}+subject`,
    // The subject crop reads the vision block, so decide must compute it.
    blocks: [...new Set([...blocks, "vision"])],
    propose(member: GroupMemberInput): CropProposal {
      const w = blend.projects[member.project] ?? blend.global;
      return blendProposal(learned(member), subject, member, w);
    },
    dispose(): void {},
  };
}

/**
 * The no-model proposer: always the median top-anchored box, needs-crop
 * 0.92 (the share of cropped rows in the real log), confidence 0.
 *
 * @returns The proposer.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const member: GroupMemberInput;
 * fallbackCropProposer().propose(member).box; // FALLBACK_BOX
 * ```
 */
export function fallbackCropProposer(): CropProposer {
  return {
    identity: "fallback:median-box",
    blocks: [],
    propose: (): CropProposal => ({ needs_crop: 0.92, box: [...FALLBACK_BOX], confidence: 0 }),
    dispose(): void {},
  };
}

/**
 * Write `crop.onnx` and `crop.json` into a folder.
 *
 * @param dir Model folder (created).
 * @param model Trained model.
 * @example
 * ```ts
 * declare const trained: Parameters<typeof saveCropModel>[1];
 * await saveCropModel("data/ai_data/models", trained);
 * ```
 */
export async function saveCropModel(dir: string, model: TrainedCropModel): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(join(dir, CROP_FILES.onnx), model.onnx);
  await Deno.writeTextFile(join(dir, CROP_FILES.meta), JSON.stringify(model.meta, null, 2) + "\n");
}

/** Options for {@linkcode loadCropProposer}. */
export interface LoadCropOptions {
  /** Return the fallback proposer when the folder holds no model. */
  fallback?: boolean;
}

const loadDefaults = { fallback: true } satisfies Required<LoadCropOptions>;

/**
 * Load the crop proposer from a model folder.
 *
 * @param modelDir Folder with `crop.onnx` + `crop.json`.
 * @param options Fallback policy.
 * @returns The proposer (fallback when absent and allowed).
 * @example
 * ```ts
 * const crop = await loadCropProposer("data/ai_data/models");
 * ```
 */
export async function loadCropProposer(
  modelDir: string,
  options: LoadCropOptions = {},
): Promise<CropProposer> {
  const o = { ...loadDefaults, ...options };
  let onnx: Uint8Array, meta: CropModelMeta;
  try {
    onnx = await Deno.readFile(join(modelDir, CROP_FILES.onnx));
    meta = JSON.parse(await Deno.readTextFile(join(modelDir, CROP_FILES.meta)));
  } catch (error) {
    if (o.fallback && error instanceof Deno.errors.NotFound) return fallbackCropProposer();
    throw new Error(`Cannot load crop proposer: "${modelDir}" has no readable model`, {
      cause: error,
    });
  }
  if (meta.subject) checkSubjectCropModel(meta.subject, join(modelDir, CROP_FILES.meta));
  return cropProposerFrom({ onnx, meta });
}
