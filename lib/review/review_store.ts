/**
 * Durable review state: one row per reviewed group plus an undo history,
 * stored in SQLite (`node:sqlite`) as each decision happens, so a reload or a
 * server restart mid-batch loses nothing.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { Box, ReviewAction } from "../types.ts";

/** A person's current verdict on one group. */
export interface ReviewEntry {
  group_id: string;
  action: ReviewAction;
  /** Index of the final pick; null for reject and skip. */
  final_choice: number | null;
  /** Final normalised crop; null for no crop. */
  crop_coords: Box | null;
  /** The person asked to crop this one by hand later. */
  manual_crop: boolean;
  /** Seconds spent on the group, summed over every visit that ended in a verdict. */
  seconds_spent: number;
  /** ISO time of the latest verdict. */
  timestamp: string;
}

/** Thrown when a request id was already used (a replayed POST). */
export class ReplayError extends Error {
  /** The replayed request id. */
  readonly requestId: string;
  /** @param requestId The id seen twice. */
  constructor(requestId: string) {
    super(`Cannot accept request: id "${requestId}" was already used`);
    this.name = "ReplayError";
    this.requestId = requestId;
  }
}

/** Options for {@linkcode ReviewStore.record}. */
export interface RecordOptions {
  /** Unique id of the request; a second use throws {@linkcode ReplayError}. */
  requestId: string;
  /** Add the new seconds to what the group already had (default true). */
  accumulateSeconds?: boolean;
}

const recordDefaults = { accumulateSeconds: true } satisfies Partial<RecordOptions>;

interface Row {
  group_id: string;
  action: string;
  final_choice: number | null;
  crop_json: string | null;
  manual_crop: number;
  seconds_spent: number;
  timestamp: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS reviews (
  group_id TEXT PRIMARY KEY,
  action TEXT NOT NULL,
  final_choice INTEGER,
  crop_json TEXT,
  manual_crop INTEGER NOT NULL,
  seconds_spent REAL NOT NULL,
  timestamp TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  group_id TEXT NOT NULL,
  prev_json TEXT
);
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  at TEXT NOT NULL
);
`;

function toEntry(row: Row): ReviewEntry {
  return {
    group_id: row.group_id,
    action: row.action as ReviewAction,
    final_choice: row.final_choice,
    crop_coords: row.crop_json === null ? null : JSON.parse(row.crop_json) as Box,
    manual_crop: row.manual_crop === 1,
    seconds_spent: row.seconds_spent,
    timestamp: row.timestamp,
  };
}

/**
 * Review state in one SQLite file (or `":memory:"` for tests).
 *
 * @example
 * ```ts
 * using store = ReviewStore.open(":memory:");
 * store.record([{ group_id: "g_0000000000000001", action: "skip", final_choice: null,
 *   crop_coords: null, manual_crop: false, seconds_spent: 2, timestamp: new Date().toISOString() }],
 *   { requestId: "r1" });
 * store.undo("r1"); // ["g_0000000000000001"]
 * ```
 */
export class ReviewStore {
  readonly #db: DatabaseSync;
  /** In-memory mirror of the reviews table (this store is its only writer). */
  #mirror: Map<string, ReviewEntry>;
  #version = 0;

  /** @param db An open database whose tables exist (use {@linkcode ReviewStore.open}). */
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#mirror = this.#readAll();
  }

  /** Increases with every change (cache key for derived views). */
  get version(): number {
    return this.#version;
  }

  #readAll(): Map<string, ReviewEntry> {
    const rows = this.#db.prepare("SELECT * FROM reviews").all() as unknown as Row[];
    return new Map(rows.map((r) => [r.group_id, toEntry(r)]));
  }

  #changed(): void {
    this.#mirror = this.#readAll();
    this.#version++;
  }

  /**
   * Open (creating if needed) a review store.
   *
   * @param path SQLite file, or `":memory:"`.
   * @returns The store.
   * @example
   * ```ts
   * const store = ReviewStore.open("sandbox/review_state.sqlite");
   * ```
   */
  static open(path: string): ReviewStore {
    const db = new DatabaseSync(path);
    if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    db.exec(SCHEMA);
    return new ReviewStore(db);
  }

  /** The verdict for one group, if any. */
  get(groupId: string): ReviewEntry | undefined {
    return this.#mirror.get(groupId);
  }

  /** Every verdict, by group id (a read-only view; do not keep it across writes). */
  all(): ReadonlyMap<string, ReviewEntry> {
    return this.#mirror;
  }

  /** Number of undoable steps. */
  historyDepth(): number {
    const row = this.#db.prepare("SELECT COUNT(DISTINCT request_id) AS n FROM history").get() as {
      n: number;
    };
    return row.n;
  }

  /**
   * Claim a request id (for POSTs that change nothing here, e.g. batch submit).
   *
   * @param requestId Unique id.
   * @param kind What the request was, for the record.
   * @throws {ReplayError} When the id was used before.
   */
  claimRequest(requestId: string, kind: string): void {
    const used = this.#db.prepare("SELECT 1 FROM requests WHERE request_id = ?").get(requestId);
    if (used !== undefined) throw new ReplayError(requestId);
    this.#db.prepare("INSERT INTO requests VALUES (?, ?, ?)").run(
      requestId,
      kind,
      new Date().toISOString(),
    );
  }

  /**
   * Record verdicts as one undoable step, atomically.
   *
   * @param entries One verdict per group (a group at most once).
   * @param options The request id and seconds handling.
   * @throws {ReplayError} When the request id was used before (nothing stored).
   */
  record(entries: ReviewEntry[], options: RecordOptions): void {
    const opts = { ...recordDefaults, ...options };
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      this.claimRequest(opts.requestId, "record");
      const hist = db.prepare(
        "INSERT INTO history (request_id, group_id, prev_json) VALUES (?,?,?)",
      );
      const upsert = db.prepare(
        "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      for (const e of entries) {
        const prev = this.get(e.group_id);
        hist.run(opts.requestId, e.group_id, prev === undefined ? null : JSON.stringify(prev));
        const seconds = e.seconds_spent + (opts.accumulateSeconds ? prev?.seconds_spent ?? 0 : 0);
        upsert.run(
          e.group_id,
          e.action,
          e.final_choice,
          e.crop_coords === null ? null : JSON.stringify(e.crop_coords),
          e.manual_crop ? 1 : 0,
          seconds,
          e.timestamp,
        );
      }
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
    this.#changed();
  }

  /**
   * Undo the latest step: restore every group it touched to its previous verdict
   * (or to unreviewed).
   *
   * @param requestId Unique id of the undo request.
   * @returns The group ids restored, in the order they were recorded; empty when there is nothing to undo.
   * @throws {ReplayError} When the request id was used before (nothing changed).
   */
  undo(requestId: string): string[] {
    const db = this.#db;
    db.exec("BEGIN IMMEDIATE");
    try {
      this.claimRequest(requestId, "undo");
      const last = db.prepare("SELECT request_id FROM history ORDER BY seq DESC LIMIT 1").get() as
        | { request_id: string }
        | undefined;
      if (last === undefined) {
        db.exec("COMMIT");
        return [];
      }
      const rows = db.prepare(
        "SELECT group_id, prev_json FROM history WHERE request_id = ? ORDER BY seq DESC",
      ).all(last.request_id) as unknown as { group_id: string; prev_json: string | null }[];
      const del = db.prepare("DELETE FROM reviews WHERE group_id = ?");
      const put = db.prepare("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?)");
      for (const row of rows) {
        if (row.prev_json === null) del.run(row.group_id);
        else {
          const p = JSON.parse(row.prev_json) as ReviewEntry;
          put.run(
            p.group_id,
            p.action,
            p.final_choice,
            p.crop_coords === null ? null : JSON.stringify(p.crop_coords),
            p.manual_crop ? 1 : 0,
            p.seconds_spent,
            p.timestamp,
          );
        }
      }
      db.prepare("DELETE FROM history WHERE request_id = ?").run(last.request_id);
      db.exec("COMMIT");
      this.#changed();
      return rows.map((r) => r.group_id).reverse();
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  /** A fingerprint of the stored verdicts and history (tests: "state unchanged"). */
  snapshot(): string {
    const reviews = this.#db.prepare("SELECT * FROM reviews ORDER BY group_id").all();
    const history = this.#db.prepare("SELECT * FROM history ORDER BY seq").all();
    return JSON.stringify({ reviews, history });
  }

  /** Close the database. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  /** Close the database (`using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}
