/**
 * The hook for lib/embed: named feature blocks for `ImageFeatures.blocks` and the identity string
 * that belongs in the feature cache key.
 *
 * @module
 */
import type { RawImage } from "../image/mod.ts";
import { VISION_RESULT_VERSION } from "./analyze_cached.ts";
import { BACKBONE_BLOCK_VERSION, VISION_BLOCK_VERSION, visionBlock } from "./vision_block.ts";
import type { VisionModel } from "./vision_model.ts";

/** Block names lib/vision provides (`--features builtin,vision[,backbone]`). */
export const VISION_FEATURE_BLOCKS = ["vision", "backbone"] as const;

/** One of {@linkcode VISION_FEATURE_BLOCKS}. */
export type VisionFeatureBlock = typeof VISION_FEATURE_BLOCKS[number];

/** Options for {@linkcode visionFeatures}. */
export interface VisionFeaturesOptions {
  /** Which blocks to compute. */
  blocks?: readonly VisionFeatureBlock[];
}

/** Defaults of {@linkcode visionFeatures}: the `vision` block only. */
export const visionFeaturesDefaults = {
  blocks: ["vision"],
} satisfies Required<VisionFeaturesOptions>;

/**
 * Identity of the requested blocks for cache keys: block versions plus the model/settings
 * version, e.g. `vision-v1+backbone-v1@human-3.3.6+ort/4`. Change either and cached features
 * are recomputed.
 *
 * @param blocks Requested block names (order does not matter).
 * @returns The identity string ("" for none).
 * @example
 * ```ts
 * const id = visionBlocksId(["vision", "backbone"]);
 * ```
 */
export function visionBlocksId(blocks: readonly VisionFeatureBlock[]): string {
  const known = new Set<string>(VISION_FEATURE_BLOCKS);
  for (const b of blocks) {
    if (!known.has(b)) {
      throw new RangeError(
        `Cannot name vision blocks: "${b}" is not one of ${VISION_FEATURE_BLOCKS.join(", ")}`,
      );
    }
  }
  const parts: string[] = [];
  if (blocks.includes("vision")) parts.push(`vision-v${VISION_BLOCK_VERSION}`);
  if (blocks.includes("backbone")) parts.push(`backbone-v${BACKBONE_BLOCK_VERSION}`);
  return parts.length ? `${parts.join("+")}@${VISION_RESULT_VERSION}` : "";
}

/**
 * Compute the requested blocks of one image (one model pass for all of them).
 *
 * @param model A loaded {@linkcode VisionModel} (or anything with its `analyze`).
 * @param raw Decoded pixels; a long side of about 1024 px is plenty (larger is downscaled).
 * @param options Which blocks.
 * @returns Blocks by name, ready for `ImageFeatures.blocks`.
 * @example
 * ```ts
 * import type { VisionModel } from "./vision_model.ts";
 * import type { RawImage } from "../image/mod.ts";
 * declare const model: VisionModel, raw: RawImage;
 * import type { ImageFeatures } from "../types.ts";
 * declare const features: ImageFeatures;
 * features.blocks = { ...features.blocks, ...await visionFeatures(model, raw, { blocks: ["vision", "backbone"] }) };
 * ```
 */
export async function visionFeatures(
  model: Pick<VisionModel, "analyze">,
  raw: RawImage,
  options: VisionFeaturesOptions = {},
): Promise<Record<string, Float32Array>> {
  const o = { ...visionFeaturesDefaults, ...options };
  visionBlocksId(o.blocks);
  const backbone = o.blocks.includes("backbone");
  const result = await model.analyze(raw, { embedding: backbone });
  const out: Record<string, Float32Array> = {};
  if (o.blocks.includes("vision")) out.vision = visionBlock(result);
  if (backbone && result.embedding) out.backbone = result.embedding;
  return out;
}
