/**
 * A content-addressed disk cache in front of {@linkcode VisionModel.analyze}: a second run over
 * the same pixels reads JSON and never touches the models.
 *
 * @module
 */
import { join } from "node:path";
import type { RawImage } from "../image/mod.ts";
import type { VisionResult } from "./_types.ts";
import type { AnalyzeOptions, VisionModel } from "./vision_model.ts";
import { sha256Hex, sweepTempFilesIn, writeFileAtomic } from "../fs/mod.ts";

/** Bump when {@linkcode VisionResult} or the models' settings change (invalidates the cache). */
export const VISION_RESULT_VERSION = "human-3.3.6+ort/4";

const swept = new Set<string>();

/** Options for {@linkcode analyzeCached}. */
export interface AnalyzeCachedOptions extends AnalyzeOptions {
  /** Folder holding one `<key>.json` per analysed image (created when missing). */
  cacheDir?: string;
}

/** Cache folder and embedding flag used when none are given. */
export const analyzeCachedDefaults = {
  cacheDir: "data/cache/vision",
  embedding: false,
} satisfies Required<AnalyzeCachedOptions>;

/**
 * Analyse an image unless the same pixels (and settings) were analysed before.
 *
 * @param model A loaded model (only called on a cache miss).
 * @param raw Decoded pixels.
 * @param options Cache folder and whether the embedding is wanted.
 * @returns The result, from disk or fresh.
 * @example
 * ```ts
 * import type { VisionModel } from "./vision_model.ts";
 * import type { RawImage } from "../image/mod.ts";
 * declare const model: VisionModel, raw: RawImage;
 * const r = await analyzeCached(model, raw, { cacheDir: "data/cache/vision", embedding: true });
 * ```
 */
export async function analyzeCached(
  model: Pick<VisionModel, "analyze">,
  raw: RawImage,
  options: AnalyzeCachedOptions = {},
): Promise<VisionResult> {
  const o = { ...analyzeCachedDefaults, ...options };
  const file = join(o.cacheDir, `${await visionCacheKey(raw, o.embedding)}.json`);
  try {
    return parse(await Deno.readTextFile(file));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const result = await model.analyze(raw, { embedding: o.embedding });
  // A writer killed between its temp file and the rename leaves the temp file: swept once per
  // folder and process, on the first write.
  if (!swept.has(o.cacheDir)) {
    swept.add(o.cacheDir);
    await sweepTempFilesIn(o.cacheDir);
  }
  await writeFileAtomic(file, stringify(result));
  return result;
}

/**
 * Cache key of an image: sha256 of its pixels, size and channels, the result version and the
 * embedding flag.
 *
 * @param raw Decoded pixels.
 * @param embedding Whether the embedding is part of the result.
 * @returns A hex key.
 * @example
 * ```ts
 * import type { RawImage } from "../image/mod.ts";
 * declare const raw: RawImage;
 * await visionCacheKey(raw, true); // "3f2a…"
 * ```
 */
export function visionCacheKey(raw: RawImage, embedding: boolean): Promise<string> {
  const head = new TextEncoder().encode(
    `${VISION_RESULT_VERSION}|${raw.width}x${raw.height}x${raw.channels}|${embedding}|`,
  );
  const buf = new Uint8Array(head.length + raw.data.length);
  buf.set(head);
  buf.set(raw.data, head.length);
  return Promise.resolve(sha256Hex(buf));
}

function stringify(r: VisionResult): string {
  return JSON.stringify({ ...r, embedding: r.embedding ? Array.from(r.embedding) : null });
}

function parse(text: string): VisionResult {
  const r = JSON.parse(text) as Omit<VisionResult, "embedding"> & { embedding: number[] | null };
  return { ...r, embedding: r.embedding ? Float32Array.from(r.embedding) : null };
}
