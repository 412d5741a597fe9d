/**
 * The content-addressed feature cache (SQLite via `node:sqlite`, WAL):
 *
 * - `images(sha256, features_id)` → size, pHash, built-in vector;
 * - `embeddings(sha256, encoder_id)` → L2-normalised float32 vector;
 * - `blocks(sha256, block_id)` → one extra pixel block (`block_id` =
 *   `name@version`, see `PixelBlock`), read in bulk for many images at once;
 * - `paths(path)` → size, mtime, sha256: lets an unchanged file skip even the
 *   read + hash, while a moved or renamed file is re-hashed and still hits;
 * - `identity_blocks(block_id, identity)` → a block known by image identity
 *   (`<project>/<file name>`) rather than content: vectors imported for
 *   images whose files are gone (the original tool's CLIP cache).
 *
 * Every write is its own small transaction, so a killed run keeps all that
 * was stored and the next run resumes.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { ImageFeatures } from "../types.ts";

/** Cache keys of one configuration. */
export interface CacheIds {
  /** Identity of the built-in block (version + decode parameters). */
  featuresId: string;
  /** Identity of the encoder, or null when no encoder is used. */
  encoderId: string | null;
  /** Extra pixel blocks: name in `ImageFeatures.blocks` → cache key `name@version`. */
  blocks?: Record<string, string>;
}

/** Options for {@linkcode FeatureCache.open}. */
export interface FeatureCacheOptions {
  /** Open read-only (no schema creation). */
  readOnly?: boolean;
}

const defaults = { readOnly: false } satisfies Required<FeatureCacheOptions>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paths (
  path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, sha256 TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
  sha256 TEXT NOT NULL, features_id TEXT NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
  phash_hi INTEGER NOT NULL, phash_lo INTEGER NOT NULL, builtin BLOB NOT NULL,
  PRIMARY KEY (sha256, features_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS embedding_chunks (
  id INTEGER PRIMARY KEY, encoder_id TEXT NOT NULL, dim INTEGER NOT NULL,
  shas TEXT NOT NULL, vectors BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (
  sha256 TEXT NOT NULL, block_id TEXT NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (block_id, sha256)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS identity_blocks (
  id INTEGER PRIMARY KEY, identity TEXT NOT NULL, block_id TEXT NOT NULL, data BLOB NOT NULL,
  source TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS identity_blocks_key ON identity_blocks (block_id, identity);
CREATE INDEX IF NOT EXISTS embedding_chunks_encoder ON embedding_chunks (encoder_id);
CREATE TABLE IF NOT EXISTS embedding_index (
  encoder_id TEXT NOT NULL, sha256 TEXT NOT NULL, chunk_id INTEGER NOT NULL, slot INTEGER NOT NULL,
  PRIMARY KEY (encoder_id, sha256)) WITHOUT ROWID;
`;

function toF32(blob: unknown): Float32Array {
  const u = blob as Uint8Array;
  // Copy: SQLite's buffer is not guaranteed 4-byte aligned or long-lived.
  const out = new Float32Array(u.byteLength / 4);
  new Uint8Array(out.buffer).set(u);
  return out;
}

/**
 * Free a blob's memory now: each row's blob is a fresh ArrayBuffer that V8
 * would only collect after many more (its size is external to the JS heap), so
 * a bulk read would otherwise keep faulting in fresh pages (~2× slower here).
 * Detaching (a zero-length transfer) drops the backing store at once.
 */
function release(blob: Uint8Array): void {
  const buf = blob.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer };
  buf.transfer?.(0);
}

function toBlob(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** An open feature cache. */
export class FeatureCache {
  readonly path: string;
  #db: DatabaseSync;
  #getPath: StatementSync;
  #putPath: StatementSync;
  #getImage: StatementSync;
  #putImage: StatementSync;
  #getEmb: StatementSync;
  #putEmb: StatementSync;
  #putChunk: StatementSync;
  #putBlock: StatementSync;
  #getBlocks: StatementSync;
  #putIdentity: StatementSync | null = null;
  #getIdentity: StatementSync | null = null;
  #txDepth = 0;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
    this.#getPath = db.prepare("SELECT size, mtime_ms, sha256 FROM paths WHERE path = ?");
    this.#putPath = db.prepare(
      "INSERT OR REPLACE INTO paths (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)",
    );
    this.#getImage = db.prepare(
      "SELECT width, height, phash_hi, phash_lo, builtin FROM images WHERE sha256 = ? AND features_id = ?",
    );
    this.#putImage = db.prepare(
      "INSERT OR REPLACE INTO images VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.#getEmb = db.prepare(
      "SELECT substr(c.vectors, i.slot * c.dim * 4 + 1, c.dim * 4) AS vector " +
        "FROM embedding_index i JOIN embedding_chunks c ON c.id = i.chunk_id " +
        "WHERE i.encoder_id = ? AND i.sha256 = ?",
    );
    this.#putChunk = db.prepare(
      "INSERT INTO embedding_chunks (encoder_id, dim, shas, vectors) VALUES (?, ?, ?, ?)",
    );
    this.#putEmb = db.prepare("INSERT OR REPLACE INTO embedding_index VALUES (?, ?, ?, ?)");
    this.#putBlock = db.prepare(
      "INSERT OR REPLACE INTO blocks (sha256, block_id, data) VALUES (?, ?, ?)",
    );
    this.#getBlocks = db.prepare(
      // CROSS JOIN keeps json_each outermost: one primary-key probe per hash (the planner
      // otherwise may scan the blob table per hash).
      "SELECT b.sha256, b.data FROM json_each(?2) j CROSS JOIN blocks b " +
        "ON b.block_id = ?1 AND b.sha256 = j.value",
    );
  }

  /**
   * Open (and create) a cache database.
   *
   * @param path SQLite file.
   * @param options Read-only flag.
   * @returns The cache.
   * @example
   * ```ts
   * using cache = FeatureCache.open("data/cache/features.sqlite");
   * ```
   */
  static open(path: string, options: FeatureCacheOptions = {}): FeatureCache {
    const opts = { ...defaults, ...options };
    const db = new DatabaseSync(path, { readOnly: opts.readOnly });
    db.exec("PRAGMA cache_size = -131072;");
    if (!opts.readOnly) {
      // 16 KiB pages: embeddings are stored in multi-vector chunks (few rows, big blobs).
      db.exec("PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
      db.exec(SCHEMA);
    }
    return new FeatureCache(path, db);
  }

  /**
   * The content hash recorded for a path, if its size and mtime are unchanged.
   *
   * @param path File path as given.
   * @param stat Current size and mtime (ms).
   * @returns sha256 or null.
   */
  lookupPath(path: string, stat: { size: number; mtimeMs: number }): string | null {
    const row = this.#getPath.get(path) as
      | { size: number; mtime_ms: number; sha256: string }
      | undefined;
    if (!row || row.size !== stat.size || row.mtime_ms !== stat.mtimeMs) return null;
    return row.sha256;
  }

  /**
   * Remember which content a path holds.
   *
   * @param path File path as given.
   * @param stat Size and mtime (ms).
   * @param sha256 Content hash.
   */
  recordPath(path: string, stat: { size: number; mtimeMs: number }, sha256: string): void {
    this.#putPath.run(path, stat.size, stat.mtimeMs, sha256);
  }

  /**
   * Features of one content hash, or null when the built-in (and, with an
   * encoder, embedding) rows are not cached for `ids`. With `ids.blocks`,
   * `blocks` holds those of the requested pixel blocks that are stored.
   *
   * @param sha256 Content hash.
   * @param ids Feature and encoder identities (default: the last run's).
   * @returns The features or null.
   */
  get(sha256: string, ids?: CacheIds): ImageFeatures | null {
    ids ??= this.lastIds() ?? undefined;
    if (!ids) return null;
    const row = this.#getImage.get(sha256, ids.featuresId) as
      | { width: number; height: number; phash_hi: number; phash_lo: number; builtin: Uint8Array }
      | undefined;
    if (!row) return null;
    let embedding: Float32Array | null = null;
    if (ids.encoderId !== null) {
      const e = this.#getEmb.get(ids.encoderId, sha256) as { vector: Uint8Array } | undefined;
      if (!e) return null;
      embedding = toF32(e.vector);
    }
    const features: ImageFeatures = {
      sha256,
      width: row.width,
      height: row.height,
      phash: [row.phash_hi >>> 0, row.phash_lo >>> 0],
      builtin: toF32(row.builtin),
      embedding,
    };
    if (ids.blocks && Object.keys(ids.blocks).length > 0) {
      // Partial: only the blocks found (callers compare with what they asked for).
      features.blocks = this.getBlocks([sha256], ids.blocks).get(sha256) ?? {};
    }
    return features;
  }

  /**
   * Store features (one transaction for the whole list).
   *
   * @param items Features to store.
   * @param ids Identities they were computed under.
   */
  putMany(items: ImageFeatures[], ids: CacheIds): void {
    this.transaction(() => {
      for (const f of items) {
        this.#putImage.run(
          f.sha256,
          ids.featuresId,
          f.width,
          f.height,
          f.phash[0],
          f.phash[1],
          toBlob(f.builtin),
        );
      }
      const withVec = ids.encoderId === null ? [] : items.filter((f) => f.embedding);
      if (ids.encoderId !== null && withVec.length > 0) {
        // One chunk row per call: bulk loads read few rows (per-row cost dominates).
        const dim = withVec[0]!.embedding!.length;
        const packed = new Float32Array(withVec.length * dim);
        withVec.forEach((f, i) => {
          if (f.embedding!.length !== dim) {
            throw new RangeError(
              `Cannot store embeddings: mixed dimensions ${dim} and ${f.embedding!.length}`,
            );
          }
          packed.set(f.embedding!, i * dim);
        });
        const info = this.#putChunk.run(
          ids.encoderId,
          dim,
          withVec.map((f) => f.sha256).join(""),
          toBlob(packed),
        );
        const chunkId = Number(info.lastInsertRowid);
        withVec.forEach((f, slot) => this.#putEmb.run(ids.encoderId, f.sha256, chunkId, slot));
      }
      this.putBlocks(items, ids);
    });
  }

  /**
   * Store the extra pixel blocks of features (those named in `ids.blocks`
   * and present in `f.blocks`; others are ignored), in one transaction.
   *
   * @param items Features carrying `blocks`.
   * @param ids Identities; `ids.blocks` maps block name → cache key.
   * @example
   * ```ts
   * import type { ImageFeatures } from "../types.ts";
   * declare const cache: FeatureCache, features: ImageFeatures;
   * declare const ids: Omit<Parameters<FeatureCache["putBlocks"]>[1], "blocks">;
   * cache.putBlocks([features], { ...ids, blocks: { layout: "layout@v1" } });
   * ```
   */
  putBlocks(items: readonly ImageFeatures[], ids: CacheIds): void {
    const keys = Object.entries(ids.blocks ?? {});
    if (keys.length === 0) return;
    this.transaction(() => {
      for (const f of items) {
        for (const [name, key] of keys) {
          const v = f.blocks?.[name];
          if (v) this.#putBlock.run(f.sha256, key, toBlob(v));
        }
      }
    });
  }

  /**
   * The stored pixel blocks of many images: one query per block (the hashes
   * travel as one JSON array), not one per image.
   *
   * @param sha256s Content hashes.
   * @param blockIds Block name → cache key (`name@version`).
   * @returns sha256 → the blocks found (by name; missing ones are absent).
   * @example
   * ```ts
   * declare const cache: FeatureCache, shas: string[];
   * const found = cache.getBlocks(shas, { layout: "layout@v1" });
   * ```
   */
  getBlocks(
    sha256s: readonly string[],
    blockIds: Readonly<Record<string, string>>,
  ): Map<string, Record<string, Float32Array>> {
    const out = new Map<string, Record<string, Float32Array>>();
    if (sha256s.length === 0) return out;
    const json = JSON.stringify(sha256s);
    for (const [name, key] of Object.entries(blockIds)) {
      const rows = this.#getBlocks.all(key, json) as { sha256: string; data: Uint8Array }[];
      for (const r of rows) {
        let rec = out.get(r.sha256);
        if (!rec) out.set(r.sha256, rec = {});
        rec[name] = toF32(r.data);
      }
    }
    return out;
  }

  /**
   * Store one block under a content hash (e.g. an imported vector for an
   * image that still exists, so a later run finds it by content).
   *
   * @param sha256 Content hash.
   * @param blockId Cache key `name@version`.
   * @param data The block.
   * @example
   * ```ts
   * declare const cache: FeatureCache, sha: string, vector: Float32Array;
   * cache.putBlock(sha, "clip@v1", vector);
   * ```
   */
  putBlock(sha256: string, blockId: string, data: Float32Array): void {
    this.#putBlock.run(sha256, blockId, toBlob(data));
  }

  /**
   * Store blocks keyed by image identity (`<project>/<file name>`), in one
   * transaction; an identity stored before is replaced.
   *
   * @param rows Identity, block data, and where it came from (e.g. `index.jsonl:12`).
   * @param blockId Cache key `name@version`.
   * @example
   * ```ts
   * declare const cache: FeatureCache, v: Float32Array;
   * cache.putIdentityBlocks([{ identity: "mojo1/a.png", data: v, source: "x.jsonl:1" }], "clip@v1");
   * ```
   */
  putIdentityBlocks(
    rows: readonly { identity: string; data: Float32Array; source: string }[],
    blockId: string,
  ): void {
    this.#putIdentity ??= this.#db.prepare(
      "INSERT OR REPLACE INTO identity_blocks (identity, block_id, data, source) VALUES (?, ?, ?, ?)",
    );
    const stmt = this.#putIdentity;
    this.transaction(() => {
      for (const r of rows) stmt.run(r.identity, blockId, toBlob(r.data), r.source);
    });
  }

  /**
   * Blocks stored by identity, for many identities at once (one query).
   *
   * @param identities Identity keys (`<project>/<file name>`).
   * @param blockId Cache key `name@version`.
   * @returns identity → block, for those found.
   * @example
   * ```ts
   * declare const cache: FeatureCache;
   * cache.getIdentityBlocks(["mojo1/a.png"], "clip@v1").get("mojo1/a.png");
   * ```
   */
  getIdentityBlocks(identities: readonly string[], blockId: string): Map<string, Float32Array> {
    this.#getIdentity ??= this.#db.prepare(
      "SELECT b.identity, b.data FROM json_each(?2) j CROSS JOIN identity_blocks b " +
        "ON b.block_id = ?1 AND b.identity = j.value",
    );
    const out = new Map<string, Float32Array>();
    if (identities.length === 0) return out;
    const rows = this.#getIdentity.all(blockId, JSON.stringify(identities)) as {
      identity: string;
      data: Uint8Array;
    }[];
    for (const r of rows) out.set(r.identity, toF32(r.data));
    return out;
  }

  /**
   * How many identities hold a block (0 in a cache that never imported any).
   *
   * @param blockId Cache key `name@version`.
   * @returns The count.
   */
  countIdentityBlocks(blockId: string): number {
    try {
      const row = this.#db.prepare("SELECT count(*) AS n FROM identity_blocks WHERE block_id = ?")
        .get(blockId) as { n: number };
      return row.n;
    } catch {
      // A read-only cache made before this table existed.
      return 0;
    }
  }

  /**
   * Run `fn` inside one transaction (nested calls join the outer one).
   *
   * @param fn Work to do.
   * @returns What `fn` returns.
   */
  transaction<T>(fn: () => T): T {
    if (this.#txDepth > 0) {
      this.#txDepth++;
      try {
        return fn();
      } finally {
        this.#txDepth--;
      }
    }
    this.#db.exec("BEGIN");
    this.#txDepth = 1;
    try {
      const r = fn();
      this.#db.exec("COMMIT");
      return r;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      this.#txDepth = 0;
    }
  }

  /**
   * Every embedding of one encoder as one row-major matrix.
   *
   * @param encoderId Encoder identity.
   * @returns Hashes (row order), dimension and the `rows × dim` matrix.
   * @example
   * ```ts
   * declare const cache: FeatureCache, embedder: { id: string };
   * const { sha256, dim, matrix } = cache.loadEmbeddings(embedder.id);
   * ```
   */
  loadEmbeddings(encoderId: string): { sha256: string[]; dim: number; matrix: Float32Array } {
    // length() of a blob is read from the record header (no overflow pages touched).
    const info = this.#db.prepare(
      "SELECT (SELECT count(*) FROM embedding_index WHERE encoder_id = ?1) AS total, " +
        "min(dim) AS dim, max(dim) AS dim_max, sum(length(vectors) / (4 * dim)) AS slots " +
        "FROM embedding_chunks WHERE encoder_id = ?1",
    ).get(encoderId) as { total: number; dim: number | null; dim_max: number; slots: number };
    const dim = info.dim ?? 0;
    if (info.total === 0 || dim === 0) return { sha256: [], dim, matrix: new Float32Array(0) };
    if (info.dim_max !== dim) {
      throw new RangeError(
        `Cannot load embeddings of "${encoderId}": mixed dimensions ${dim} and ${info.dim_max}`,
      );
    }
    const stmt = this.#db.prepare(
      "SELECT shas, vectors FROM embedding_chunks WHERE encoder_id = ? ORDER BY id",
    );
    // Arrays, not objects: no per-row property creation (runtime API missing from the types).
    (stmt as StatementSync & { setReturnArrays(on: boolean): void }).setReturnArrays(true);
    return this.#loadChunks(stmt.iterate(encoderId) as Iterable<[string, Uint8Array]>, info);
  }

  #loadChunks(
    rows: Iterable<[string, Uint8Array]>,
    info: { total: number; dim: number | null; slots: number },
  ): { sha256: string[]; dim: number; matrix: Float32Array } {
    const dim = info.dim!;
    // The one big allocation; every chunk is copied into it once, where it ends up.
    const matrix = new Float32Array(info.total * dim);
    const bytes = new Uint8Array(matrix.buffer);
    const sha256: string[] = new Array(info.total);
    const rowBytes = dim * 4;
    let row = 0;
    if (info.slots === info.total) {
      // No vector stored twice (the usual case): whole chunks, no per-vector work.
      for (const [shas, vectors] of rows) {
        bytes.set(vectors, row * rowBytes);
        release(vectors);
        for (let at = 0; at < shas.length; at += 64) sha256[row++] = shas.slice(at, at + 64);
      }
      return { sha256, dim, matrix };
    }
    // A recomputed vector appears again in a later chunk; keep the first (identical).
    const seen = new Set<string>();
    for (const [shas, vectors] of rows) {
      for (let slot = 0; slot * 64 < shas.length && row < info.total; slot++) {
        const sha = shas.slice(slot * 64, slot * 64 + 64);
        if (seen.has(sha)) continue;
        seen.add(sha);
        bytes.set(vectors.subarray(slot * rowBytes, (slot + 1) * rowBytes), row * rowBytes);
        sha256[row++] = sha;
      }
      release(vectors);
    }
    sha256.length = row;
    return { sha256, dim, matrix: matrix.subarray(0, row * dim) };
  }

  /**
   * The identities the last `embedFiles` run wrote with (null before any run).
   *
   * @returns The ids or null.
   */
  lastIds(): CacheIds | null {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'last_ids'").get() as
      | { value: string }
      | undefined;
    return row ? JSON.parse(row.value) as CacheIds : null;
  }

  /**
   * Record the identities of a run (so readers can default to them).
   *
   * @param ids The identities.
   */
  setLastIds(ids: CacheIds): void {
    this.#db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('last_ids', ?)")
      .run(JSON.stringify(ids));
  }

  /**
   * Cached features of files by path, without reading any file: each path is
   * stat-ed and resolved through the path index (size + mtime must match).
   * Paths never embedded, changed since, missing, or lacking one of the
   * pixel blocks of `ids.blocks` are listed in `missing`.
   *
   * @param paths Files as given to `embedFiles`.
   * @param ids Identities (default: the last run's).
   * @returns Features by path and the paths not answered.
   * @example
   * ```ts
   * declare const db: string, paths: string[];
   * const { byPath, missing } = openFeatureCache(db).featuresForPaths(paths);
   * ```
   */
  featuresForPaths(
    paths: string[],
    ids?: CacheIds,
  ): { byPath: Map<string, ImageFeatures>; missing: string[] } {
    const use = ids ?? this.lastIds();
    const byPath = new Map<string, ImageFeatures>();
    const missing: string[] = [];
    if (!use) return { byPath, missing: [...paths] };
    // One joined lookup per path (path index → image row → embedding slot).
    const stmt = this.#db.prepare(
      "SELECT p.size, p.mtime_ms, p.sha256, i.width, i.height, i.phash_hi, i.phash_lo, i.builtin, " +
        "substr(c.vectors, e.slot * c.dim * 4 + 1, c.dim * 4) AS vector " +
        "FROM paths p JOIN images i ON i.sha256 = p.sha256 AND i.features_id = ? " +
        "LEFT JOIN embedding_index e ON e.encoder_id = ? AND e.sha256 = p.sha256 " +
        "LEFT JOIN embedding_chunks c ON c.id = e.chunk_id WHERE p.path = ?",
    );
    for (const path of paths) {
      let st: Deno.FileInfo;
      try {
        st = Deno.statSync(path);
      } catch {
        missing.push(path);
        continue;
      }
      const row = stmt.get(use.featuresId, use.encoderId ?? "", path) as {
        size: number;
        mtime_ms: number;
        sha256: string;
        width: number;
        height: number;
        phash_hi: number;
        phash_lo: number;
        builtin: Uint8Array;
        vector: Uint8Array | null;
      } | undefined;
      const fresh = row && row.size === st.size && row.mtime_ms === (st.mtime?.getTime() ?? 0);
      if (!row || !fresh || (use.encoderId !== null && !row.vector)) {
        missing.push(path);
        continue;
      }
      byPath.set(path, {
        sha256: row.sha256,
        width: row.width,
        height: row.height,
        phash: [row.phash_hi >>> 0, row.phash_lo >>> 0],
        builtin: toF32(row.builtin),
        embedding: use.encoderId === null ? null : toF32(row.vector),
      });
    }
    const names = Object.keys(use.blocks ?? {});
    if (names.length > 0 && byPath.size > 0) {
      // Bulk block read; an image lacking a requested block is not fully cached.
      const found = this.getBlocks(
        [...new Set([...byPath.values()].map((f) => f.sha256))],
        use.blocks!,
      );
      for (const [path, f] of byPath) {
        const b = found.get(f.sha256);
        if (b && names.every((n) => b[n])) f.blocks = b;
        else {
          byPath.delete(path);
          missing.push(path);
        }
      }
    }
    return { byPath, missing };
  }

  /** Close the database. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** `using` support. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Open the cache read-write (the usual entry for other modules).
 *
 * @param dbPath SQLite file.
 * @param options Read-only flag.
 * @returns The cache.
 * @example
 * ```ts
 * using cache = openFeatureCache("data/cache/features.sqlite");
 * ```
 */
export function openFeatureCache(dbPath: string, options: FeatureCacheOptions = {}): FeatureCache {
  return FeatureCache.open(dbPath, options);
}
