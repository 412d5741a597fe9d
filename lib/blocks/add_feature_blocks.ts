/**
 * Extra feature blocks beyond lib/embed's built-in + embedding: the crop
 * "layout" map (lib/crop) and the pretrained "vision" / "backbone" blocks
 * (lib/vision). Training (`experiment`) and inference (`decide`) both call
 * this one function, so a model never meets zeros where it was trained on a
 * block (the train/serve skew the original suffered).
 *
 * @module
 */
import { LAYOUT_BLOCK } from "../crop/mod.ts";
import { decodeOnce, readRaw } from "../image/mod.ts";
import { analyzeCached, visionFeatures, VisionModel } from "../vision/mod.ts";
import type { ImageFeatures } from "../types.ts";
import { SIGNATURE_BLOCK } from "../signature/mod.ts";
import { pixelBlocksFor } from "./pixel_blocks.ts";
import { CLIP_BLOCK, CLIP_BLOCK_ID } from "../clip/mod.ts";
import { openFeatureCache } from "../embed/mod.ts";

/** Blocks this module computes. */
export const EXTRA_BLOCKS: readonly string[] = Object.freeze([
  LAYOUT_BLOCK,
  SIGNATURE_BLOCK,
  "vision",
  "backbone",
  CLIP_BLOCK,
]);

/** Options for {@linkcode addFeatureBlocks}. */
export interface AddFeatureBlocksOptions {
  /** Where vision results are cached (one JSON per analysed image). */
  visionCacheDir?: string;
  /** Long side of the image handed to the vision models. */
  visionSide?: number;
  /** Called after each image of a block with (block, done, total). */
  onProgress?: (block: string, done: number, total: number) => void;
  /**
   * Feature cache holding imported `clip` vectors by content hash
   * (`deno task import-embeddings`); null: the clip block comes only from
   * the encoder's embedding.
   */
  cacheDb?: string | null;
}

const defaults = {
  cacheDb: null,
  visionCacheDir: "data/cache/vision",
  visionSide: 1024,
  onProgress: () => {},
} satisfies Required<AddFeatureBlocksOptions>;

/** What {@linkcode addFeatureBlocks} did. */
export interface AddFeatureBlocksResult {
  /** Block name → images that got it. */
  computed: Record<string, number>;
  /** Block name → images that failed (their block stays missing). */
  failed: Record<string, number>;
}

/**
 * Add the requested extra blocks to `byPath` in place: pixel blocks
 * (layout, signature) an image still lacks after `embedFiles`, and the
 * vision blocks. Names lib/embed
 * handles itself ("builtin", "phash", "embedding") are ignored; unknown
 * names are an error.
 *
 * @param byPath Features by image path (from `embedFiles`).
 * @param names Requested feature blocks (e.g. `["builtin", "layout", "vision"]`).
 * @param options Vision cache folder and progress.
 * @returns Counts per block.
 * @example
 * ```ts
 * declare const embedded: { byPath: Parameters<typeof addFeatureBlocks>[0] };
 * await addFeatureBlocks(embedded.byPath, ["builtin", "layout"]);
 * ```
 */
export async function addFeatureBlocks(
  byPath: Map<string, ImageFeatures>,
  names: readonly string[],
  options: AddFeatureBlocksOptions = {},
): Promise<AddFeatureBlocksResult> {
  const o = { ...defaults, ...options };
  const wanted = names.filter((n) => !["builtin", "phash", "embedding"].includes(n));
  for (const n of wanted) {
    if (!EXTRA_BLOCKS.includes(n)) {
      throw new RangeError(
        `Cannot add feature block "${n}": known are builtin, phash, embedding, ${
          EXTRA_BLOCKS.join(", ")
        }`,
      );
    }
  }
  const result: AddFeatureBlocksResult = { computed: {}, failed: {} };
  // Pixel blocks normally arrive from embedFiles({ blocks }) (one decode, cached);
  // any image still lacking one is decoded here once and gets all it lacks.
  const pixel = pixelBlocksFor(wanted);
  for (const b of pixel) {
    result.computed[b.name] = 0;
    result.failed[b.name] = 0;
  }
  if (pixel.length > 0) {
    let done = 0;
    for (const [path, f] of byPath) {
      const missing = pixel.filter((b) => !f.blocks?.[b.name]);
      if (missing.length > 0) {
        try {
          const decoded = await decodeOnce(path, { clipSize: null });
          const add: Record<string, Float32Array> = {};
          for (const b of missing) add[b.name] = b.compute(decoded);
          f.blocks = { ...(f.blocks ?? {}), ...add };
          for (const b of missing) result.computed[b.name]!++;
        } catch {
          for (const b of missing) result.failed[b.name]!++;
        }
      }
      o.onProgress("pixel", ++done, byPath.size);
    }
  }
  if (wanted.includes(CLIP_BLOCK)) addClip(byPath, o.cacheDb, result);
  const visionBlocks = wanted.filter((n) => n === "vision" || n === "backbone") as (
    | "vision"
    | "backbone"
  )[];
  if (visionBlocks.length > 0) {
    const model = await VisionModel.load();
    // Results are cached by pixel content, so a second run costs no model time.
    const cached = {
      analyze: (raw: Parameters<VisionModel["analyze"]>[0], opts?: { embedding?: boolean }) =>
        analyzeCached(model, raw, {
          cacheDir: o.visionCacheDir,
          embedding: opts?.embedding ?? false,
        }),
    };
    let done = 0, failed = 0;
    try {
      for (const [path, f] of byPath) {
        try {
          const raw = await readRaw(path, {
            channels: 3,
            resize: { width: o.visionSide, height: o.visionSide, fit: "inside" },
          });
          const blocks = await visionFeatures(cached, raw, { blocks: visionBlocks });
          f.blocks = { ...(f.blocks ?? {}), ...blocks };
        } catch {
          failed++;
        }
        o.onProgress("vision", ++done, byPath.size);
      }
    } finally {
      model.dispose();
    }
    for (const b of visionBlocks) {
      result.computed[b] = done - failed;
      result.failed[b] = failed;
    }
  }
  return result;
}

/**
 * The `clip` block of images with pixels: the vector imported for that
 * content (the original's cache), else the configured encoder's embedding
 * (the creator's CLIP export; the same `l2normalize`). An image with
 * neither is counted as failed and left without the block, never zero-filled.
 */
function addClip(
  byPath: Map<string, ImageFeatures>,
  cacheDb: string | null,
  result: AddFeatureBlocksResult,
): void {
  result.computed[CLIP_BLOCK] = 0;
  result.failed[CLIP_BLOCK] = 0;
  const need = [...byPath.values()].filter((f) => !f.blocks?.[CLIP_BLOCK]);
  if (need.length === 0) return;
  let imported = new Map<string, Record<string, Float32Array>>();
  if (cacheDb !== null) {
    const cache = openFeatureCache(cacheDb);
    try {
      imported = cache.getBlocks([...new Set(need.map((f) => f.sha256))], {
        [CLIP_BLOCK]: CLIP_BLOCK_ID,
      });
    } finally {
      cache.close();
    }
  }
  for (const f of need) {
    const v = imported.get(f.sha256)?.[CLIP_BLOCK] ?? f.embedding;
    if (v) {
      f.blocks = { ...(f.blocks ?? {}), [CLIP_BLOCK]: v };
      result.computed[CLIP_BLOCK]!++;
    } else result.failed[CLIP_BLOCK]!++;
  }
}
