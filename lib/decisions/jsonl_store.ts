/**
 * One generic JSONL record store: every record is checked against a JSON
 * Schema plus a semantic rule on every read and write, and files are replaced
 * atomically (temp file + rename), so readers see the old or the new file,
 * never half of one. Both decision files are stores of this kind.
 *
 * @module
 */
import { assertValid, SchemaError } from "../schema/mod.ts";
import { LineReadError, MAX_JSONL_FILE_BYTES, readLines, writeFileAtomic } from "../fs/mod.ts";

/** What a semantic check says is wrong with a record (null: nothing). */
export interface RecordProblem {
  /** JSON Pointer of the offending field, e.g. `"/final_choice"`. */
  field: string;
  message: string;
  /** Rejection reason when more specific than `invalid_record` (e.g. `field_too_long`). */
  reason?: string;
}

/** A record and its 1-based line. */
export interface RecordLine<T> {
  line: number;
  value: T;
}

/** Longest path accepted in a decision record (characters, PATH_MAX). */
export const MAX_PATH_CHARS = 4096;

/**
 * A path over {@linkcode MAX_PATH_CHARS} as a `field_too_long` problem, else null.
 *
 * @param path The path.
 * @param field Its JSON Pointer.
 * @returns The problem or null.
 * @example
 * ```ts
 * pathProblem("a".repeat(5000), "/images/0/path")?.reason; // "field_too_long"
 * ```
 */
export function pathProblem(path: string, field: string): RecordProblem | null {
  if (path.length <= MAX_PATH_CHARS) return null;
  return {
    field,
    message: `${path.length} characters, over the limit of ${MAX_PATH_CHARS} (field_too_long)`,
    reason: "field_too_long",
  };
}

/** Where a record comes from, for error messages (line 0: not from a file). */
export interface RecordWhere {
  file: string;
  line: number;
}

/** Options for {@linkcode jsonlStore}. */
export interface JsonlStoreOptions<T> {
  /** The JSON Schema of one record. */
  schema: object;
  /** Rules JSON Schema cannot say (default: none). */
  check?: (record: T) => RecordProblem | null;
}

/** Validated reading, writing and appending of one kind of JSONL record. */
export interface JsonlStore<T> {
  /** The JSON Schema of one record. */
  readonly schema: object;
  /** Validate one record (schema + check); throws a `SchemaError` naming file, line and field. */
  validate(record: unknown, where?: RecordWhere): T;
  /**
   * Every record of `path` in file order (blank lines skipped); a missing file reads as `[]`.
   * Lines are streamed with a byte cap per line (`field_too_long`) and per file
   * (`file_too_large`) and must be UTF-8 (`bad_encoding`): a planted 100 MB line is refused
   * with its line number, never held whole.
   */
  read(path: string): Promise<T[]>;
  /** {@linkcode JsonlStore.read} with each record's line number. */
  readLines(path: string): Promise<RecordLine<T>[]>;
  /** Replace `path` with `records` atomically (all validated first; folder created when missing). */
  write(path: string, records: readonly T[]): Promise<void>;
  /** Append `records` atomically (validated first, numbered after the existing lines). */
  append(path: string, records: readonly T[]): Promise<void>;
}

const MEMORY: RecordWhere = { file: "<memory>", line: 0 };

/**
 * A store for records of one schema.
 *
 * @param options The record's schema and semantic check.
 * @returns Its validate / read / write / append.
 * @example
 * ```ts
 * const notes = jsonlStore<{ text: string }>({
 *   schema: { type: "object", required: ["text"], properties: { text: { type: "string" } } },
 * });
 * await notes.append("/tmp/notes.jsonl", [{ text: "hello" }]);
 * const all: { text: string }[] = await notes.read("/tmp/notes.jsonl");
 * ```
 */
export function jsonlStore<T>(options: JsonlStoreOptions<T>): JsonlStore<T> {
  const { schema } = options;
  const check = options.check ?? (() => null);
  const validate = (record: unknown, where: RecordWhere = MEMORY): T => {
    assertValid(schema, record, where);
    const problem = check(record as T);
    if (problem !== null) {
      const at = where.line > 0 ? `${where.file}:${where.line}` : where.file;
      throw new SchemaError(
        `Cannot accept record at ${at}: field "${problem.field}": ${problem.message}`,
        {
          ...where,
          field: problem.field,
          ...(problem.reason === undefined ? {} : { reason: problem.reason }),
        },
      );
    }
    return record as T;
  };
  const readWithLines = async (path: string): Promise<RecordLine<T>[]> => {
    const out: RecordLine<T>[] = [];
    try {
      for await (const { line, text } of readLines(path)) {
        const raw = text.trim();
        if (raw === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          throw new SchemaError(
            `Cannot accept record at ${path}:${line}: field "/": not JSON (${detail})`,
            { file: path, line, field: "/" },
          );
        }
        out.push({ line, value: validate(value, { file: path, line }) });
      }
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      if (error instanceof SchemaError) throw error;
      if (error instanceof LineReadError) {
        const at = error.line > 0 ? `${path}:${error.line}` : path;
        throw new SchemaError(`Cannot accept record at ${at}: field "/": ${error.message}`, {
          file: path,
          line: error.line,
          field: "/",
          reason: error.reason,
        });
      }
      throw new Error(`Cannot read decisions: "${path}" is not readable`, { cause: error });
    }
    return out;
  };
  return {
    schema,
    validate,
    readLines: readWithLines,
    async read(path) {
      return (await readWithLines(path)).map((r) => r.value);
    },
    async write(path, records) {
      records.forEach((r, i) => validate(r, { file: path, line: i + 1 }));
      await replaceText(path, toJsonl(records));
    },
    async append(path, records) {
      if (records.length === 0) return;
      const text = await readText(path) ?? "";
      const before = text === "" || text.endsWith("\n") ? text : text + "\n";
      const offset = before === "" ? 0 : before.split("\n").length - 1;
      records.forEach((r, i) => validate(r, { file: path, line: offset + i + 1 }));
      await replaceText(path, before + toJsonl(records));
    },
  };
}

/** Serialise records, one JSON object per line, each line ending in "\n". */
function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

/** The text of `path`, or null when it does not exist. */
async function readText(path: string): Promise<string | null> {
  try {
    const size = (await Deno.stat(path)).size;
    if (size > MAX_JSONL_FILE_BYTES) {
      throw new SchemaError(
        `Cannot accept records of "${path}": ${size} bytes, over the limit of ` +
          `${MAX_JSONL_FILE_BYTES} (file_too_large)`,
        { file: path, line: 0, field: "/", reason: "file_too_large" },
      );
    }
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof SchemaError) throw error;
    throw new Error(`Cannot read decisions: "${path}" is not readable`, { cause: error });
  }
}

/** Replace `path` with `text`: temp file in the same folder, flushed, renamed over the target. */
async function replaceText(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { sync: true });
  } catch (error) {
    throw new Error(`Cannot write decisions: "${path}" could not be replaced`, { cause: error });
  }
}
