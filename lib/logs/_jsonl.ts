/**
 * Buffered JSONL writing and streaming JSONL reading.
 *
 * @module
 */
import { readLines } from "../fs/mod.ts";

/** Appends JSON lines to a file through a buffer. */
export class JsonlWriter {
  readonly #file: Deno.FsFile;
  readonly #encoder = new TextEncoder();
  #buffer: string[] = [];
  #size = 0;
  count = 0;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /** Create (truncate) a JSONL file. */
  static async open(path: string): Promise<JsonlWriter> {
    return new JsonlWriter(
      await Deno.open(path, { write: true, create: true, truncate: true }),
    );
  }

  /** Queue one record; flushes every ~1 MB (only then is there a promise to await). */
  write(record: unknown): Promise<void> | undefined {
    const line = JSON.stringify(record);
    this.#buffer.push(line);
    this.#size += line.length + 1;
    this.count++;
    return this.#size > 1 << 20 ? this.flush() : undefined;
  }

  /** Write the buffer out. */
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const bytes = this.#encoder.encode(this.#buffer.join("\n") + "\n");
    this.#buffer = [];
    this.#size = 0;
    let off = 0;
    while (off < bytes.length) off += await this.#file.write(bytes.subarray(off));
  }

  /** Flush and close. */
  async close(): Promise<void> {
    await this.flush();
    this.#file.close();
  }
}

/**
 * Stream the records of a JSONL file (blank lines skipped). Each line is
 * capped at 1 MiB and must be UTF-8: keeper's own files are re-checked, not
 * trusted (a planted 100 MB line is refused, not held in memory).
 *
 * @param path The file.
 * @returns Parsed records.
 * @throws {LineReadError} A line over the cap (`field_too_long`), not UTF-8 (`bad_encoding`).
 * @throws {SyntaxError} A line that is not JSON, naming file and line.
 */
export async function* readJsonl<T>(path: string): AsyncGenerator<T> {
  for await (const { line, text } of readLines(path)) {
    if (text.trim() === "") continue;
    try {
      yield JSON.parse(text) as T;
    } catch (cause) {
      throw new SyntaxError(`Cannot read "${path}" line ${line}: not JSON`, { cause });
    }
  }
}
