/**
 * `embedFiles()`: the one-decode pipeline. Unchanged files are answered from
 * the path index (no read), moved/renamed files from their content hash (read
 * + hash, no decode); the rest are decoded once each, with decodes kept in
 * flight while the encoder runs on full batches. Extra pixel blocks
 * (`PixelBlock`) are computed from that same decode and cached by content +
 * `name@version`; a cached image lacking one is decoded once for the missing
 * blocks only.
 *
 * @module
 */
import {
  type DecodedImage,
  decodeOnce,
  ImageReadError,
  type RawImage,
  ReadBuffer,
  readImageBytes,
} from "../image/mod.ts";
import type { ImageFeatures } from "../types.ts";
import { BUILTIN_VERSION, computeBuiltinFeatures } from "./builtin_features.ts";
import { type Embedder, OnnxEmbedder } from "./embedder.ts";
import type { EncoderConfig } from "./encoder_config.ts";
import { type CacheIds, FeatureCache } from "./feature_cache.ts";
import { checkPixelBlocks, type PixelBlock, pixelBlockKey } from "./pixel_block.ts";
import { sha256Hex, sweepTempFilesIn } from "../fs/mod.ts";

/** Decode parameters that the built-in block depends on (part of its cache key). */
const WORK_SIDE = 224;
const GRID = 3;
const TILE_SIDE = 96;
/** Identity of the built-in + pHash blocks. */
export const FEATURES_ID = `${BUILTIN_VERSION}+phash-v1+w${WORK_SIDE}g${GRID}t${TILE_SIDE}`;

/** Feature blocks a caller may ask for ("builtin" and "phash" are always computed). */
export const FEATURE_BLOCKS = ["builtin", "phash", "embedding"] as const;

/** A file that could not be used. */
export interface EmbedFailure {
  path: string;
  /** Machine-readable reason (`ImageFailureReason`, or `error`). */
  reason: string;
  detail: string;
}

/** Counters of one run. */
export interface EmbedStats {
  images: number;
  /** Answered from the cache (no decode). */
  cached: number;
  /** Decoded and computed in this run. */
  embedded: number;
  failed: number;
  /** Full decodes performed (= embedded). */
  decoded: number;
  /** Of `embedded`: images whose base features were cached and that were decoded only
   * to compute missing pixel blocks (no encoder run). */
  blocks_only: number;
  /** Pixel block cache keys (`name@version`) of this run. */
  block_ids: string[];
  seconds: number;
  images_per_second: number;
  features_id: string;
  encoder_id: string | null;
}

/** Result of {@linkcode embedFiles}. */
export interface EmbedFilesResult {
  byPath: Map<string, ImageFeatures>;
  failed: EmbedFailure[];
  stats: EmbedStats;
}

/** Options for {@linkcode embedFiles}. */
export interface EmbedFilesOptions {
  /** SQLite cache file (created if missing). */
  cacheDb: string;
  /** ONNX encoder to load (file + config path or object); omit for built-in features only. */
  model?: { path: string; config?: string | EncoderConfig } | null;
  /** An already loaded embedder (not disposed here); wins over `model`. */
  embedder?: Embedder | null;
  /** Blocks wanted; "embedding" requires a model. */
  features?: string[];
  /** Extra pixel blocks computed from the one decode into `ImageFeatures.blocks` and cached. */
  blocks?: readonly PixelBlock[];
  /** Decodes in flight. */
  concurrency?: number;
  /** Encoder batch size. */
  batchSize?: number;
  /** Write reviewer thumbnails (`<sha256>_224.jpg`, shortest side 224) here during the decode. */
  thumbnailDir?: string | null;
  /** Pixel limit per image. */
  maxPixels?: number;
  /** Encoder intra-op threads (0 = all cores). */
  threads?: number;
  /** Called after each file. */
  onProgress?: (p: { done: number; total: number; cached: number; failed: number }) => void;
}

const defaults = {
  model: null,
  embedder: null,
  features: ["builtin"],
  blocks: [],
  concurrency: 4,
  batchSize: 16,
  thumbnailDir: null,
  maxPixels: 100_000_000,
  threads: 0,
  onProgress: () => {},
} satisfies Omit<Required<EmbedFilesOptions>, "cacheDb">;

interface Todo {
  path: string;
  stat: { size: number; mtimeMs: number };
  /** Base features from the cache (then only missing pixel blocks are computed). */
  known?: ImageFeatures;
}

/** Compute pixel blocks from one decode; a failing block names itself in the error. */
function computeBlocks(
  blocks: readonly PixelBlock[],
  d: DecodedImage,
): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const b of blocks) {
    try {
      out[b.name] = b.compute(d);
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      throw new Error(`Cannot compute pixel block "${pixelBlockKey(b)}": ${msg}`, { cause: error });
    }
  }
  return out;
}

interface Pending {
  path: string;
  stat: { size: number; mtimeMs: number };
  features: ImageFeatures;
  square: RawImage | null;
}

/**
 * Compute (or fetch from the cache) the features of many image files.
 *
 * @param paths Image files (duplicates are answered once).
 * @param options Cache, encoder and pipeline settings.
 * @returns Features by path, failures by path and reason, counters.
 * @example
 * ```ts
 * const { byPath, failed, stats } = await embedFiles(["a.png", "b.png"], {
 *   cacheDb: "data/cache/features.sqlite",
 *   model: { path: "models/clip.onnx", config: "models/clip.json" },
 * });
 * ```
 */
export async function embedFiles(
  paths: string[],
  options: EmbedFilesOptions,
): Promise<EmbedFilesResult> {
  const opts = { ...defaults, ...options };
  const t0 = performance.now();
  // Thumbnails being written when an earlier embed was killed left temp files.
  if (opts.thumbnailDir !== null) await sweepTempFilesIn(opts.thumbnailDir);
  for (const f of opts.features) {
    if (!(FEATURE_BLOCKS as readonly string[]).includes(f)) {
      throw new RangeError(
        `Cannot embed: unknown feature block "${f}" (known: ${FEATURE_BLOCKS.join(", ")})`,
      );
    }
  }
  let embedder = opts.embedder;
  let owned = false;
  if (!embedder && opts.model) {
    embedder = await OnnxEmbedder.load(
      opts.model.path,
      opts.model.config ?? {
        ...(await import("./encoder_config.ts")).CLIP_DEFAULTS,
      },
      { threads: opts.threads },
    );
    owned = true;
  }
  if (opts.features.includes("embedding") && !embedder) {
    throw new RangeError(`Cannot embed: block "embedding" needs --model and --model-config`);
  }
  const blocks = opts.blocks;
  checkPixelBlocks(blocks);
  const baseIds: CacheIds = { featuresId: FEATURES_ID, encoderId: embedder?.id ?? null };
  const ids: CacheIds = blocks.length === 0
    ? baseIds
    : { ...baseIds, blocks: Object.fromEntries(blocks.map((b) => [b.name, pixelBlockKey(b)])) };
  const cache = FeatureCache.open(opts.cacheDb);
  cache.setLastIds(ids);
  const unique = [...new Set(paths)];
  const byPath = new Map<string, ImageFeatures>();
  const failed: EmbedFailure[] = [];
  let cached = 0;
  let embedded = 0;
  let decoded = 0;
  let blocksOnly = 0;
  let done = 0;
  const tick = (): void =>
    opts.onProgress({ done: ++done, total: unique.length, cached, failed: failed.length });
  const fail = (path: string, error: unknown): void => {
    if (error instanceof ImageReadError) {
      failed.push({ path, reason: error.reason, detail: error.message });
    } else {
      const msg = error instanceof Error ? error.message : String(error);
      failed.push({ path, reason: "error", detail: msg });
    }
    tick();
  };

  try {
    // 1. Path index: unchanged files need no read at all.
    const todo: Todo[] = [];
    const hits: Todo[] = [];
    for (const path of unique) {
      let info: Deno.FileInfo;
      try {
        info = await Deno.stat(path);
      } catch (error) {
        fail(path, new ImageReadError(path, "unreadable", String(error), { cause: error }));
        continue;
      }
      if (!info.isFile) {
        fail(path, new ImageReadError(path, "not_a_file", "not a regular file"));
        continue;
      }
      const stat = { size: info.size, mtimeMs: info.mtime?.getTime() ?? 0 };
      const sha = cache.lookupPath(path, stat);
      const hit = sha === null ? null : cache.get(sha, baseIds);
      if (hit) hits.push({ path, stat, known: hit });
      else todo.push({ path, stat });
    }
    // Pixel blocks of all path hits in one bulk read; an image lacking one is decoded once.
    const found = blocks.length === 0
      ? new Map<string, Record<string, Float32Array>>()
      : cache.getBlocks([...new Set(hits.map((h) => h.known!.sha256))], ids.blocks!);
    for (const h of hits) {
      const f = h.known!;
      if (blocks.length > 0) f.blocks = { ...found.get(f.sha256) };
      if (blocks.every((b) => f.blocks?.[b.name])) {
        byPath.set(h.path, f);
        cached++;
        tick();
      } else {
        todo.push(h);
      }
    }

    // 2. Decode workers feeding encoder batches.
    const inflight = new Map<string, Promise<ImageFeatures | null>>();
    let batch: Pending[] = [];
    let encoderChain: Promise<void> = Promise.resolve();
    let queuedBatches = 0;
    const store = (items: Pending[]): void => {
      cache.putMany(items.map((p) => p.features), ids);
      cache.transaction(() => {
        for (const p of items) cache.recordPath(p.path, p.stat, p.features.sha256);
      });
      for (const p of items) {
        byPath.set(p.path, p.features);
        embedded++;
        tick();
      }
    };
    const flush = (): Promise<void> => {
      const items = batch;
      batch = [];
      if (items.length === 0) return encoderChain;
      queuedBatches++;
      encoderChain = encoderChain.then(async () => {
        try {
          if (embedder) {
            const vectors = await embedder.embed(items.map((p) => p.square as RawImage));
            items.forEach((p, i) => p.features.embedding = vectors[i] ?? null);
          }
          store(items);
        } finally {
          queuedBatches--;
        }
      });
      return encoderChain;
    };

    let next = 0;
    const worker = async (): Promise<void> => {
      const reader = new ReadBuffer();
      while (next < todo.length) {
        const item = todo[next++]!;
        try {
          const bytes = await readImageBytes(item.path, reader);
          // Path-index hits keep their hash (size + mtime unchanged); others are hashed.
          const sha256 = item.known?.sha256 ?? sha256Hex(bytes);
          const waited = inflight.has(sha256) ? await inflight.get(sha256) : null;
          const known = waited ?? item.known ?? cache.get(sha256, ids);
          // Blocks stored under this content even when the base row is not (e.g. a new encoder).
          const stored = known?.blocks ??
            (blocks.length > 0 ? cache.getBlocks([sha256], ids.blocks!).get(sha256) : undefined) ??
            {};
          const missing = blocks.filter((b) => !stored[b.name]);
          if (known && missing.length === 0) {
            cache.recordPath(item.path, item.stat, sha256);
            byPath.set(item.path, known);
            cached++;
            tick();
            continue;
          }
          let resolveDone: (f: ImageFeatures | null) => void = () => {};
          inflight.set(sha256, new Promise((r) => resolveDone = r));
          try {
            const d = await decodeOnce(item.path, {
              bytes,
              sha256,
              maxPixels: opts.maxPixels,
              // A cached image decoded for missing blocks needs no encoder input or thumbnail.
              clipSize: embedder && !known ? embedder.config.input_size : null,
              workSide: WORK_SIDE,
              grid: GRID,
              tileSide: TILE_SIDE,
              thumbnailDir: known ? null : opts.thumbnailDir,
            });
            decoded++;
            const computed = computeBlocks(missing, d);
            if (known) {
              known.blocks = { ...known.blocks, ...computed };
              cache.transaction(() => {
                cache.putBlocks([known], ids);
                cache.recordPath(item.path, item.stat, sha256);
              });
              byPath.set(item.path, known);
              embedded++;
              blocksOnly++;
              tick();
              resolveDone(known);
              continue;
            }
            const features: ImageFeatures = {
              sha256,
              width: d.width,
              height: d.height,
              phash: d.phash,
              builtin: computeBuiltinFeatures(d),
              embedding: null,
              ...(blocks.length > 0 ? { blocks: { ...stored, ...computed } } : {}),
            };
            batch.push({ path: item.path, stat: item.stat, features, square: d.clip });
            if (!embedder || batch.length >= opts.batchSize) {
              const flushed = flush();
              // Backpressure: at most two batches wait for the encoder.
              if (queuedBatches > 2) await flushed;
            }
            resolveDone(features);
          } catch (error) {
            resolveDone(null);
            throw error;
          } finally {
            inflight.delete(sha256);
          }
        } catch (error) {
          fail(item.path, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
    await flush();
    await encoderChain;
  } finally {
    cache.close();
    if (owned && embedder) await embedder.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    byPath,
    failed,
    stats: {
      images: unique.length,
      cached,
      embedded,
      failed: failed.length,
      decoded,
      blocks_only: blocksOnly,
      block_ids: blocks.map(pixelBlockKey),
      seconds,
      images_per_second: seconds > 0 ? (cached + embedded) / seconds : 0,
      features_id: ids.featuresId,
      encoder_id: ids.encoderId,
    },
  };
}
