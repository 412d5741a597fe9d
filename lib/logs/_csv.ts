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
}

/** Longest physical line passed on whole (bytes); the rest of a longer line is dropped. */
export const MAX_LINE_BYTES = 1 << 20;

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
  const drain = function* (): Generator<CsvRow> {
    let rec: Rec | null;
    while ((rec = parser.read() as Rec | null) !== null) {
      yield { line: rec.info.lines, fields: rec.record };
    }
  };
  let failure: unknown = null;
  parser.on("error", (e: unknown) => {
    failure = e;
  });
  const file_ = await Deno.open(file);
  const cap = new LineCap(MAX_LINE_BYTES);
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
  parser.end();
  yield* drain();
  await Promise.race([ended, new Promise<void>((r) => setTimeout(r, 0))]);
  if (failure !== null) throw failure;
  yield* drain();
}

/**
 * Bounds memory on a huge line (a 50 MB field): bytes of a physical line past
 * `max` are dropped before the parser sees them, so no record grows past
 * `max` per line; the field that remains is over every field limit and the
 * row is rejected as `field_too_long`. Quote parity of the dropped bytes is
 * kept (an odd count adds one `"`), so the parser's in/out-of-quotes state
 * after the line is what it would have been.
 */
class LineCap {
  readonly #max: number;
  #len = 0;
  #droppedQuotes = 0;
  #dropping = false;

  constructor(max: number) {
    this.#max = max;
  }

  pass(chunk: Uint8Array): Uint8Array {
    // Fast path: no line in this chunk reaches the cap.
    let from = 0;
    let len = this.#len;
    let fits = !this.#dropping;
    while (fits) {
      const nl = chunk.indexOf(10, from);
      const end = nl < 0 ? chunk.length : nl;
      if (len + (end - from) > this.#max) fits = false;
      else if (nl < 0) {
        this.#len = len + (end - from);
        return chunk;
      } else {
        len = 0;
        from = nl + 1;
      }
    }
    const out: number[] = [];
    for (const b of chunk) {
      if (b === 10) {
        if (this.#dropping && this.#droppedQuotes % 2 === 1) out.push(0x22);
        out.push(10);
        this.#len = 0;
        this.#dropping = false;
        this.#droppedQuotes = 0;
      } else if (this.#len >= this.#max) {
        this.#dropping = true;
        if (b === 0x22) this.#droppedQuotes++;
      } else {
        out.push(b);
        this.#len++;
      }
    }
    return new Uint8Array(out);
  }
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
