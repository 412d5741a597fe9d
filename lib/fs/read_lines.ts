/**
 * Stream the lines of a text file with a cap on each line's bytes and strict
 * UTF-8, so a planted 100 MB line or a file of invalid bytes is refused with
 * its line number instead of being held in memory or stored with U+FFFD.
 *
 * @module
 */

/** Why a line could not be read. */
export type LineProblem = "field_too_long" | "bad_encoding" | "file_too_large";

/** A line that is too long, not UTF-8, or a file over its size cap. */
export class LineReadError extends RangeError {
  /** The file. */
  readonly file: string;
  /** 1-based line (0: the whole file). */
  readonly line: number;
  /** `field_too_long`, `bad_encoding` or `file_too_large`. */
  readonly reason: LineProblem;

  /**
   * @param message Full message.
   * @param where File, line and reason.
   */
  constructor(message: string, where: { file: string; line: number; reason: LineProblem }) {
    super(message);
    this.name = "LineReadError";
    this.file = where.file;
    this.line = where.line;
    this.reason = where.reason;
  }
}

/** Options for {@linkcode readLines}. */
export interface ReadLinesOptions {
  /** Longest line accepted, in bytes (without its newline). */
  maxLineBytes?: number;
  /** Largest file accepted, in bytes (checked before reading). */
  maxFileBytes?: number;
}

/** One line of text and its 1-based number. */
export interface TextLine {
  line: number;
  text: string;
}

/** Longest record line keeper reads from a JSONL file (bytes). */
export const MAX_RECORD_BYTES = 1 << 20;

/** Largest JSONL file keeper reads (bytes). */
export const MAX_JSONL_FILE_BYTES = 512 * (1 << 20);

const defaults = {
  maxLineBytes: MAX_RECORD_BYTES,
  maxFileBytes: MAX_JSONL_FILE_BYTES,
} satisfies Required<ReadLinesOptions>;

/**
 * Yield every line of `path` (a trailing `\r` removed), decoded as strict
 * UTF-8. Memory stays within one line's cap: a longer line throws as soon as
 * the cap is passed. A missing file throws `Deno.errors.NotFound`.
 *
 * @param path The file.
 * @param options Line and file caps.
 * @returns Lines with their numbers, blank ones included.
 * @throws {LineReadError} `field_too_long` (line over the cap), `bad_encoding`, `file_too_large`.
 * @example
 * ```ts
 * for await (const { line, text } of readLines("sandbox/approved_decisions.jsonl")) {
 *   console.log(line, text.length);
 * }
 * ```
 */
export async function* readLines(
  path: string,
  options: ReadLinesOptions = {},
): AsyncGenerator<TextLine> {
  const opts = { ...defaults, ...options };
  const file = await Deno.open(path);
  try {
    const size = (await file.stat()).size;
    if (size > opts.maxFileBytes) {
      throw new LineReadError(
        `Cannot read "${path}": ${size} bytes, over the limit of ${opts.maxFileBytes} ` +
          `(file_too_large)`,
        { file: path, line: 0, reason: "file_too_large" },
      );
    }
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    let parts: Uint8Array[] = [];
    let pending = 0;
    let line = 0;
    const finish = (): TextLine => {
      line++;
      const bytes = parts.length === 1 ? parts[0]! : concat(parts, pending);
      parts = [];
      pending = 0;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        throw new LineReadError(
          `Cannot read "${path}" line ${line}: not valid UTF-8 (bad_encoding)`,
          { file: path, line, reason: "bad_encoding" },
        );
      }
      return { line, text: text.endsWith("\r") ? text.slice(0, -1) : text };
    };
    const buf = new Uint8Array(1 << 16);
    for (;;) {
      const n = await file.read(buf);
      if (n === null) break;
      let from = 0;
      while (from < n) {
        const nl = buf.subarray(0, n).indexOf(10, from);
        const end = nl < 0 ? n : nl;
        if (pending + (end - from) > opts.maxLineBytes) {
          throw new LineReadError(
            `Cannot read "${path}" line ${line + 1}: longer than ${opts.maxLineBytes} bytes ` +
              `(field_too_long)`,
            { file: path, line: line + 1, reason: "field_too_long" },
          );
        }
        parts.push(buf.slice(from, end));
        pending += end - from;
        if (nl < 0) break;
        yield finish();
        from = nl + 1;
      }
    }
    if (pending > 0) yield finish();
  } finally {
    file.close();
  }
}

function concat(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
