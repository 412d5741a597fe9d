/**
 * The original tool's CLIP embedding cache for a simulated history
 * (../ORIGINAL.md §1.4): one raw (unnormalised) `.npy` per logged image,
 * named `<sha256 of the path string>[:16].npy`, and the index
 * `processed_images.jsonl` naming each image by the absolute
 * `…/training data/<project>/<file>` path it was read from. Then, as the
 * creator's history really is, the rejected variants' image files go: those
 * sets survive only as embeddings.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { decodeOnce } from "../image/mod.ts";
import { CLIP_DEFAULTS, OnnxEmbedder } from "../embed/mod.ts";
import { writeNpyVector } from "../clip/mod.ts";
import { ORIGINAL_HOME } from "./original_layout.ts";
import type { GroundTruthRecord } from "./types.ts";

/** The cache's place inside a simulated output (the original's `data/ai_data/`). */
export const EMBEDDING_CACHE_DIR = "original_cache/data/ai_data";

/** Options for {@linkcode writeEmbeddingCache}. */
export interface WriteEmbeddingCacheOptions {
  /** The CLIP export standing in for OpenCLIP (a generated test encoder in experiments). */
  model: { path: string; config?: string };
  /** Home of the original repo in the index's absolute paths. */
  home?: string;
  /** Images encoded per batch. */
  batchSize?: number;
}

const defaults = { home: ORIGINAL_HOME, batchSize: 16 } satisfies Omit<
  Required<WriteEmbeddingCacheOptions>,
  "model"
>;

/** What {@linkcode writeEmbeddingCache} wrote. */
export interface EmbeddingCacheSummary {
  index: string;
  embeddings_dir: string;
  /** Vectors written (one per logged image). */
  vectors: number;
  /** Logged sets covered. */
  sets: number;
}

/** The logged (history) groups of a simulated output. */
export async function loggedGroups(out: string): Promise<GroundTruthRecord[]> {
  const text = await Deno.readTextFile(join(out, "ground_truth.jsonl"));
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as GroundTruthRecord)
    .filter((r) => r.split === "logged");
}

/**
 * Write the original's embedding cache for the logged history of `out`.
 *
 * @param out A simulated output (with `ground_truth.jsonl`).
 * @param options The encoder, the original home, batch size.
 * @returns Where the index and `.npy` files are, and counts.
 * @example
 * ```ts
 * const c = await writeEmbeddingCache("sim", { model: { path: "enc.onnx" } });
 * // deno task import-embeddings --index c.index --projects sim/projects
 * ```
 */
export async function writeEmbeddingCache(
  out: string,
  options: WriteEmbeddingCacheOptions,
): Promise<EmbeddingCacheSummary> {
  const o = { ...defaults, ...options };
  const root = join(out, EMBEDDING_CACHE_DIR);
  const npyDir = join(root, "embeddings");
  await Deno.mkdir(npyDir, { recursive: true });
  await Deno.mkdir(join(root, "cache"), { recursive: true });
  const groups = await loggedGroups(out);
  const members = groups.flatMap((g) =>
    g.members.map((m) => ({
      file: join(out, m.path),
      // The original read its images from `training data/<project>/` under the repo.
      logged: `${o.home}/training data/${g.project}/${m.filename}`,
    }))
  );
  const index = join(root, "cache", "processed_images.jsonl");
  const lines: string[] = [];
  // The same config rule as embed (no config: CLIP's defaults), so both paths preprocess alike.
  await using enc = await OnnxEmbedder.load(o.model.path, o.model.config ?? { ...CLIP_DEFAULTS });
  for (let at = 0; at < members.length; at += o.batchSize) {
    const batch = members.slice(at, at + o.batchSize);
    const squares = [];
    for (const m of batch) {
      const d = await decodeOnce(m.file, { clipSize: enc.config.input_size });
      squares.push(d.clip!);
    }
    const raw = await enc.embedRaw(squares);
    for (const [i, m] of batch.entries()) {
      const hash = createHash("sha256").update(m.logged).digest("hex");
      const name = `${hash.slice(0, 16)}.npy`;
      await Deno.writeFile(join(npyDir, name), writeNpyVector(raw[i]!));
      lines.push(JSON.stringify({
        image_path: m.logged,
        embedding_file: `${o.home}/data/ai_data/embeddings/${name}`,
        hash,
      }));
    }
  }
  await Deno.writeTextFile(index, lines.join("\n") + "\n");
  return { index, embeddings_dir: npyDir, vectors: lines.length, sets: groups.length };
}

/**
 * Delete the image files of every logged set's rejected variants (their
 * companions stay): the history keeper must then learn from embeddings.
 *
 * @param out A simulated output.
 * @returns Files deleted and already absent.
 * @example
 * ```ts
 * await deleteRejectedVariants("sim"); // { deleted: 1204, absent: 0 }
 * ```
 */
export async function deleteRejectedVariants(
  out: string,
): Promise<{ deleted: number; absent: number }> {
  let deleted = 0, absent = 0;
  for (const g of await loggedGroups(out)) {
    for (const [i, m] of g.members.entries()) {
      if (i === g.chosen_index) continue;
      try {
        await Deno.remove(join(out, m.path));
        deleted++;
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        absent++;
      }
    }
  }
  return { deleted, absent };
}
