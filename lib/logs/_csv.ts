/**
 * Streaming CSV rows with line numbers (csv-parse), tolerant of BOM, CRLF,
 * empty lines, stray quotes and ragged rows — the caller validates fields.
 *
 * @module
 */
import { parse } from "csv-parse";

/** One CSV record and the line where it ends (1-based). */
export interface CsvRow {
  line: number;
  fields: string[];
  /** The record was longer than {@linkcode MAX_RECORD_BYTES}; its end was dropped. */
  cut?: boolean;
}

/** Longest record passed on whole (bytes, all its lines); the rest of a longer one is dropped. */
export const MAX_RECORD_BYTES = 1 << 20;

/** A record csv-parse could not read at all. */
export interface CsvSkip {
  line: number;
  message: string;
}

/**
 * Stream the records of a CSV file (header included, as the first row).
 *
 * @param file Path of the CSV file.
 * @param onSkip Called for records csv-parse had to skip.
 * @returns Rows in file order.
 */
export async function* readCsvRows(
  file: string,
  onSkip: (skip: CsvSkip) => void,
): AsyncGenerator<CsvRow> {
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  });
  parser.on("skip", (err: { lines?: number; message?: string }) => {
    onSkip({ line: err.lines ?? 0, message: err.message ?? "unreadable record" });
  });
  // Feed the parser chunk by chunk and drain it synchronously: one await per
  // chunk rather than one per record.
  type Rec = { record: string[]; info: { lines: number } };
  const cap = new RecordCap(MAX_RECORD_BYTES);
  const drain = function* (): Generator<CsvRow> {
    let rec: Rec | null;
    while ((rec = parser.read() as Rec | null) !== null) {
      const at = cap.cuts.length === 0
        ? { line: rec.info.lines, cut: false }
        : cap.lineOf(rec.info.lines);
      yield at.cut
        ? { line: at.line, fields: rec.record, cut: true }
        : { line: at.line, fields: rec.record };
    }
  };
  let failure: unknown = null;
  parser.on("error", (e: unknown) => {
    failure = e;
  });
  const file_ = await Deno.open(file);
  try {
    for await (const chunk of file_.readable) {
      parser.write(cap.pass(chunk));
      if (failure !== null) throw failure;
      yield* drain();
    }
  } finally {
    try {
      file_.close();
    } catch {
      // already closed by the stream
    }
  }
  const ended = new Promise<void>((resolve) => parser.once("end", () => resolve()));
  const tail = cap.finish();
  if (tail.length > 0) parser.write(tail);
  parser.end();
  yield* drain();
  await Promise.race([ended, new Promise<void>((r) => setTimeout(r, 0))]);
  if (failure !== null) throw failure;
  yield* drain();
}

/**
 * Bounds memory on a huge record (a 50 MB field on one line, or a quoted
 * field spread over a million short lines): bytes of a record past `max` are
 * dropped before the parser sees them. A small CSV state machine (quoted
 * fields, `""` escapes, quotes opening only at a field start as with
 * `relax_quotes`) finds where each record really ends; a cut record is closed
 * there (a `"` added when the cut fell inside quotes) so the parser resumes in
 * step, and the newlines dropped inside it are remembered so later rows keep
 * their true line numbers.
 */
export class RecordCap {
  readonly #max: number;
  #len = 0;
  #fieldStart = true;
  #inQuotes = false;
  #quotePending = false;
  #dropping = false;
  #closeQuote = false;
  #droppedLines = 0;
  /** Newlines passed on so far (the output's line count). */
  #outLines = 0;
  /** Cut records: output line where each ends, and newlines dropped up to it. */
  readonly cuts: { outLine: number; dropped: number }[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** The bytes of `chunk` the parser may see. */
  pass(chunk: Uint8Array): Uint8Array {
    const pieces: Uint8Array[] = [];
    let outStart = 0;
    let changed = this.#dropping;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      // The parser's state before this byte (what it is left in if the byte is dropped).
      const openBefore = this.#inQuotes && !this.#quotePending;
      let recordEnd = false;
      if (this.#quotePending) {
        this.#quotePending = false;
        if (b !== 0x22) this.#inQuotes = false;
      } else if (this.#inQuotes && b === 0x22) {
        this.#quotePending = true;
      }
      if (!this.#inQuotes) {
        if (b === 0x22 && this.#fieldStart) {
          this.#inQuotes = true;
          this.#fieldStart = false;
        } else if (b === 0x2c) this.#fieldStart = true;
        else if (b === 10) {
          recordEnd = true;
          this.#fieldStart = true;
        } else this.#fieldStart = false;
      }
      if (this.#dropping) {
        if (recordEnd) {
          this.#endCut(pieces);
          outStart = i; // the newline itself is passed on
          this.#outLines++;
        } else if (b === 10) this.#droppedLines++;
        continue;
      }
      if (recordEnd) {
        this.#len = 0;
        this.#outLines++;
        continue;
      }
      if (b === 10) this.#outLines++;
      if (++this.#len > this.#max) {
        pieces.push(chunk.subarray(outStart, i));
        changed = true;
        this.#dropping = true;
        // Inside quotes with no quote just seen, the parser needs one to close the field.
        this.#closeQuote = openBefore;
        if (b === 10) {
          this.#droppedLines++;
          this.#outLines--;
        }
      }
    }
    if (!changed) return chunk;
    if (!this.#dropping) pieces.push(chunk.subarray(outStart));
    return concatBytes(pieces);
  }

  /** Bytes to pass after the last chunk (closing a record cut at end of file). */
  finish(): Uint8Array {
    if (!this.#dropping) return new Uint8Array(0);
    const pieces: Uint8Array[] = [];
    this.#endCut(pieces);
    return concatBytes(pieces);
  }

  #endCut(pieces: Uint8Array[]): void {
    if (this.#closeQuote) pieces.push(QUOTE);
    this.cuts.push({ outLine: this.#outLines + 1, dropped: this.#droppedLines });
    this.#dropping = false;
    this.#closeQuote = false;
    this.#len = 0;
  }

  /** The input line of a record the parser says ends on output line `outLine`, and whether it was cut. */
  lineOf(outLine: number): { line: number; cut: boolean } {
    let dropped = 0;
    let cut = false;
    // Cuts are few and in order; later rows see every earlier cut.
    for (const c of this.cuts) {
      if (c.outLine > outLine) break;
      dropped = c.dropped;
      if (c.outLine === outLine) cut = true;
    }
    return { line: outLine + dropped, cut };
  }
}

const QUOTE = new Uint8Array([0x22]);

function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of pieces) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * The first record (header) of a CSV file, or null when empty.
 *
 * @param file Path of the CSV file.
 * @returns Column names.
 */
export async function readCsvHeader(file: string): Promise<string[] | null> {
  const it = readCsvRows(file, () => {});
  const first = await it.next();
  await it.return(undefined);
  return first.done ? null : first.value.fields.map((f) => f.trim());
}
