/**
 * The write-ahead journal of one run: JSON lines, fsync'd in batches. Every
 * step gets an `intent` record before it happens and a `done` record after;
 * a batch's records are flushed to disk before the batch's files are touched
 * and before the next batch begins.
 *
 * @module
 */
import { dirname } from "node:path";

/** One journal line. */
export type JournalRecord =
  | {
    t: "begin";
    run_id: string;
    plan: string;
    plan_sha256: string;
    steps: number;
    groups: string[];
    time: string;
  }
  | { t: "intent"; i: number; out_sha256?: string }
  | { t: "done"; i: number; created?: boolean; out_sha256?: string }
  | { t: "commit"; time: string }
  | { t: "rollback_begin"; time: string; reason: string }
  | { t: "undo_intent"; i: number }
  | { t: "undone"; i: number }
  | { t: "rollback_end"; time: string };

/** The state of a run as its journal tells it. */
export interface JournalState {
  begin: Extract<JournalRecord, { t: "begin" }> | null;
  intents: Map<number, { out_sha256?: string }>;
  done: Map<number, { created?: boolean; out_sha256?: string }>;
  committed: boolean;
  rollbackBegun: boolean;
  undoIntents: Set<number>;
  undone: Set<number>;
  rolledBack: boolean;
}

/** Parse journal text; a torn last line (crash mid-write) is ignored. */
export function parseJournal(text: string): JournalState {
  const state: JournalState = {
    begin: null,
    intents: new Map(),
    done: new Map(),
    committed: false,
    rollbackBegun: false,
    undoIntents: new Set(),
    undone: new Set(),
    rolledBack: false,
  };
  const lines = text.split("\n");
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === "") continue;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch (error) {
      if (n === lines.length - 1) break; // torn tail: the write never completed
      throw new SyntaxError(`Cannot read journal: line ${n + 1} is not JSON`, { cause: error });
    }
    switch (rec.t) {
      case "begin":
        state.begin = rec;
        break;
      case "intent":
        state.intents.set(
          rec.i,
          rec.out_sha256 === undefined ? {} : { out_sha256: rec.out_sha256 },
        );
        break;
      case "done":
        {
          const info: { created?: boolean; out_sha256?: string } = {};
          if (rec.created !== undefined) info.created = rec.created;
          if (rec.out_sha256 !== undefined) info.out_sha256 = rec.out_sha256;
          state.done.set(rec.i, info);
        }
        break;
      case "commit":
        state.committed = true;
        break;
      case "rollback_begin":
        state.rollbackBegun = true;
        break;
      case "undo_intent":
        state.undoIntents.add(rec.i);
        break;
      case "undone":
        state.undone.add(rec.i);
        break;
      case "rollback_end":
        state.rolledBack = true;
        break;
    }
  }
  return state;
}

/** Read and parse a journal file; `null` when it does not exist. */
export function readJournal(path: string): JournalState | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  return parseJournal(text);
}

const enc = new TextEncoder();

/** An open journal: buffered appends, `flush()` writes and fsyncs. */
export class Journal {
  readonly path: string;
  #file: Deno.FsFile;
  #pending: string[] = [];

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Open (create) for appending; repairs a torn last line first. */
  static open(path: string): Journal {
    Deno.mkdirSync(dirname(path), { recursive: true });
    let tail = "";
    try {
      const text = Deno.readTextFileSync(path);
      tail = text === "" || text.endsWith("\n") ? "" : "\n";
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const file = Deno.openSync(path, { create: true, append: true });
    const journal = new Journal(path, file);
    if (tail !== "") journal.#pending.push(""); // ends the torn line so the next record parses
    return journal;
  }

  /** Queue a record (not durable until {@linkcode flush}). */
  add(record: JournalRecord): void {
    this.#pending.push(JSON.stringify(record));
  }

  /** Write queued records and fsync the journal. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const first = this.#pending[0] === "" ? "\n" : "";
    const body = this.#pending.filter((l) => l !== "").map((l) => l + "\n").join("");
    this.#pending = [];
    const bytes = enc.encode(first + body);
    let off = 0;
    while (off < bytes.length) off += this.#file.writeSync(bytes.subarray(off));
    this.#file.syncSync();
  }

  /** Flush and close. */
  close(): void {
    this.flush();
    this.#file.close();
  }
}
