/**
 * `importEmbeddings()`: the original tool's CLIP cache
 * (`processed_images.jsonl` + one `.npy` per image) into keeper's feature
 * cache as the `clip` block: L2-normalised, keyed by image identity
 * (project, file name, resolved as ingest resolves logged paths) and, where
 * the image file still exists, by its content hash too. The index is read
 * line by line and written in small transactions (bounded memory); every
 * unusable line goes to a rejections file with its line and reason.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname, isAbsolute, join } from "node:path";
import { FeatureCache, l2normalize } from "../embed/mod.ts";
import {
  buildProjectIndex,
  imageKey,
  loadProjectManifests,
  loadProjectMap,
  type ProjectManifest,
  ProjectResolver,
} from "../paths/mod.ts";
import { CLIP_BLOCK_ID, CLIP_DIM } from "./clip_block.ts";
import { NpyError, readNpyVector } from "./npy.ts";
import { readLines } from "../fs/mod.ts";

/** Options for {@linkcode importEmbeddings}. */
export interface ImportEmbeddingsOptions {
  /** Feature cache (SQLite) the vectors go into. */
  cacheDb?: string;
  /**
   * Folder of the `.npy` files; null: the index's sibling `embeddings/`
   * (`data/ai_data/cache/…jsonl` → `data/ai_data/embeddings/`) if it exists,
   * else the `embedding_file` paths as the index writes them.
   */
  embeddingsDir?: string | null;
  /** Folder of `*.project.json` manifests (as ingest's `--projects`). */
  projectsDir?: string | null;
  /** Project-map file (as ingest's `--project-map`). */
  projectMap?: string | null;
  /** Where rejected lines go (JSONL); null: `import_embeddings_rejections.jsonl` beside the cache. */
  rejectionsFile?: string | null;
  /** Called every 5,000 lines with the lines read. */
  onProgress?: (lines: number) => void;
}

const defaults = {
  cacheDb: "data/cache/features.sqlite",
  embeddingsDir: null,
  projectsDir: null,
  projectMap: null,
  rejectionsFile: null,
  onProgress: () => {},
} satisfies Required<ImportEmbeddingsOptions>;

/** What an import did (the `--json` of `deno task import-embeddings`). */
export interface ImportEmbeddingsSummary {
  index: string;
  embeddings_dir: string | null;
  cache: string;
  block_id: string;
  /** Non-empty index lines read. */
  lines: number;
  /** Vectors stored by identity. */
  imported: number;
  /** Reason → lines refused (each is in the rejections file). */
  rejected: Record<string, number>;
  /** Project → vectors imported. */
  by_project: Record<string, number>;
  /** Lines naming an identity already imported from an earlier line (the first is kept). */
  duplicates: number;
  /** Of `imported`: image files that still exist, stored by content hash too. */
  with_image: number;
  rejections_file: string;
  /** Up to 5 rejections, for the summary. */
  examples: { line: number; reason: string; detail: string }[];
  seconds: number;
}

interface IndexLine {
  image_path?: unknown;
  embedding_file?: unknown;
  hash?: unknown;
}

const BATCH = 2000;

/**
 * Read a small file into a reused buffer (grown when needed): one open and
 * read per `.npy` instead of a fresh allocation each time.
 */
function readSmallFile(path: string, buf: { bytes: Uint8Array }): Uint8Array {
  using f = Deno.openSync(path, { read: true });
  let n = 0;
  while (true) {
    if (n === buf.bytes.length) {
      const grown = new Uint8Array(buf.bytes.length * 2);
      grown.set(buf.bytes);
      buf.bytes = grown;
    }
    const r = f.readSync(buf.bytes.subarray(n));
    if (r === null || r === 0) break;
    n += r;
  }
  return buf.bytes.subarray(0, n);
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Import the original's embedding cache into the feature cache.
 *
 * @param indexPath `processed_images.jsonl` (one `{"image_path", "embedding_file", "hash"}` per line).
 * @param options Cache, `.npy` folder, project manifests and map, rejections file.
 * @returns Counts; nothing is dropped without a rejection line.
 * @example
 * ```ts
 * const s = await importEmbeddings("data/ai_data/cache/processed_images.jsonl", {
 *   cacheDb: "data/cache/features.sqlite",
 *   projectsDir: "data/projects",
 * });
 * s.imported; // 77304
 * ```
 */
export async function importEmbeddings(
  indexPath: string,
  options: ImportEmbeddingsOptions = {},
): Promise<ImportEmbeddingsSummary> {
  const o = { ...defaults, ...options };
  const t0 = performance.now();
  try {
    if (!(await Deno.stat(indexPath)).isFile) throw new Error("not a file");
  } catch (cause) {
    throw new TypeError(`Cannot import embeddings: index "${indexPath}" is not a readable file`, {
      cause,
    });
  }
  let npyDir = o.embeddingsDir;
  if (npyDir !== null && !(await isDir(npyDir))) {
    throw new TypeError(`Cannot import embeddings: --embeddings-dir "${npyDir}" is not a folder`);
  }
  if (npyDir === null) {
    for (
      const d of [
        join(dirname(dirname(indexPath)), "embeddings"),
        join(dirname(indexPath), "embeddings"),
      ]
    ) {
      if (await isDir(d)) {
        npyDir = d;
        break;
      }
    }
  }
  const manifests: ProjectManifest[] = o.projectsDir === null
    ? []
    : await loadProjectManifests(o.projectsDir);
  const map = o.projectMap === null ? null : await loadProjectMap(o.projectMap);
  // The same resolver ingest builds, so an imported vector lands on the identity the logs name.
  const resolver = new ProjectResolver({
    index: buildProjectIndex(manifests, { aliases: map?.aliases ?? {} }),
    map,
  });
  const rejectionsFile = o.rejectionsFile ??
    join(dirname(o.cacheDb), "import_embeddings_rejections.jsonl");
  const rejections = await Deno.open(rejectionsFile, {
    write: true,
    create: true,
    truncate: true,
  });
  const enc = new TextEncoder();
  let pendingRejections: string[] = [];
  const flushRejections = () => {
    if (pendingRejections.length === 0) return;
    const bytes = enc.encode(pendingRejections.join(""));
    let at = 0;
    while (at < bytes.length) at += rejections.writeSync(bytes.subarray(at));
    pendingRejections = [];
  };
  const summary: ImportEmbeddingsSummary = {
    index: indexPath,
    embeddings_dir: npyDir,
    cache: o.cacheDb,
    block_id: CLIP_BLOCK_ID,
    lines: 0,
    imported: 0,
    rejected: {},
    by_project: {},
    duplicates: 0,
    with_image: 0,
    rejections_file: rejectionsFile,
    examples: [],
    seconds: 0,
  };
  const reject = (line: number, reason: string, detail: string, extra: object = {}) => {
    if (reason !== "duplicate") summary.rejected[reason] = (summary.rejected[reason] ?? 0) + 1;
    if (summary.examples.length < 5) summary.examples.push({ line, reason, detail });
    pendingRejections.push(
      JSON.stringify({ file: indexPath, line, reason, detail, ...extra }) + "\n",
    );
  };
  const seen = new Map<string, number>();
  const folders = new Map<string, boolean>();
  const folderExists = (dir: string): boolean => {
    let hit = folders.get(dir);
    if (hit === undefined) {
      try {
        hit = Deno.statSync(dir).isDirectory;
      } catch {
        hit = false;
      }
      if (folders.size > 100_000) folders.clear();
      folders.set(dir, hit);
    }
    return hit;
  };
  const npyBuf = { bytes: new Uint8Array(8192) };
  const cache = FeatureCache.open(o.cacheDb);
  let batch: { identity: string; data: Float32Array; source: string; sha: string | null }[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const rows = batch;
    cache.transaction(() => {
      cache.putIdentityBlocks(rows, CLIP_BLOCK_ID);
      for (const r of rows) if (r.sha !== null) cache.putBlock(r.sha, CLIP_BLOCK_ID, r.data);
    });
    batch = [];
    flushRejections();
  };
  try {
    for await (const { line, text } of readLines(indexPath)) {
      if (text.trim() === "") continue;
      summary.lines++;
      if (summary.lines % 5000 === 0) o.onProgress(summary.lines);
      let rec: IndexLine;
      try {
        rec = JSON.parse(text);
        if (rec === null || typeof rec !== "object" || Array.isArray(rec)) {
          throw new SyntaxError("not an object");
        }
      } catch (error) {
        reject(line, "bad_json", error instanceof Error ? error.message : String(error));
        continue;
      }
      const imagePath = rec.image_path, npyFile = rec.embedding_file;
      if (typeof imagePath !== "string" || imagePath.trim() === "") {
        reject(line, "missing_image_path", 'field "image_path" is missing or not a string');
        continue;
      }
      if (typeof npyFile !== "string" || npyFile.trim() === "") {
        reject(
          line,
          "missing_embedding_file",
          'field "embedding_file" is missing or not a string',
          {
            image_path: imagePath,
          },
        );
        continue;
      }
      const res = resolver.resolve(imagePath);
      const identity = imageKey(res.ref);
      if (identity === null) {
        const ambiguous = res.candidates.length > 0;
        reject(
          line,
          ambiguous ? "ambiguous_project" : "unresolved_project",
          ambiguous
            ? `"${imagePath}" matches projects ${res.candidates.join(", ")}`
            : `no project found for "${imagePath}" (add a manifest with --projects or a rule to --project-map)`,
          { image_path: imagePath },
        );
        continue;
      }
      const first = seen.get(identity);
      if (first !== undefined) {
        summary.duplicates++;
        reject(line, "duplicate", `${identity} was imported from line ${first}`, {
          image_path: imagePath,
          first_line: first,
        });
        continue;
      }
      const npyPath = npyDir !== null
        ? join(npyDir, basename(npyFile.replaceAll("\\", "/")))
        : isAbsolute(npyFile)
        ? npyFile
        : join(dirname(indexPath), npyFile);
      let raw: Float32Array;
      try {
        raw = readNpyVector(readSmallFile(npyPath, npyBuf), { dim: CLIP_DIM });
      } catch (error) {
        if (error instanceof NpyError) {
          reject(line, error.reason, `${npyPath}: ${error.message}`, { image_path: imagePath });
        } else if (error instanceof Deno.errors.NotFound) {
          reject(line, "npy_not_found", `${npyPath} does not exist`, { image_path: imagePath });
        } else {
          reject(line, "npy_unreadable", `${npyPath}: ${String(error)}`, { image_path: imagePath });
        }
        continue;
      }
      let finite = true, norm = 0;
      for (let i = 0; i < raw.length; i++) {
        finite &&= Number.isFinite(raw[i]!);
        norm += raw[i]! * raw[i]!;
      }
      if (!finite) {
        reject(line, "not_finite", `${npyPath} holds NaN or infinite values`, {
          image_path: imagePath,
        });
        continue;
      }
      if (!(norm > 0)) {
        reject(line, "zero_vector", `${npyPath} is all zeros`, { image_path: imagePath });
        continue;
      }
      let sha: string | null = null;
      // The usual case: the image (and its whole folder) was deleted after the original
      // embedded it; one stat per folder answers that for all its lines.
      if (folderExists(dirname(imagePath))) {
        try {
          sha = createHash("sha256").update(Deno.readFileSync(imagePath)).digest("hex");
        } catch {
          // This one file is gone.
        }
      }
      seen.set(identity, line);
      batch.push({ identity, data: l2normalize(raw), source: `${npyPath}`, sha });
      summary.imported++;
      if (sha !== null) summary.with_image++;
      const p = res.ref.project!;
      summary.by_project[p] = (summary.by_project[p] ?? 0) + 1;
      if (batch.length >= BATCH) flush();
    }
    flush();
    flushRejections();
  } finally {
    cache.close();
    rejections.close();
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}
