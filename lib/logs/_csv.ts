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
  try {
    for await (const chunk of file_.readable) {
      parser.write(chunk);
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
