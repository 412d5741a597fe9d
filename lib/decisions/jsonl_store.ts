/**
 * One generic JSONL record store: every record is checked against a JSON
 * Schema plus a semantic rule on every read and write, and files are replaced
 * atomically (temp file + rename), so readers see the old or the new file,
 * never half of one. Both decision files are stores of this kind.
 *
 * @module
 */
import { assertValid, SchemaError } from "../schema/mod.ts";
import { writeFileAtomic } from "../fs/mod.ts";

/** What a semantic check says is wrong with a record (null: nothing). */
export interface RecordProblem {
  /** JSON Pointer of the offending field, e.g. `"/final_choice"`. */
  field: string;
  message: string;
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
  /** Every record of `path` in file order (blank lines skipped); a missing file reads as `[]`. */
  read(path: string): Promise<T[]>;
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
        { ...where, field: problem.field },
      );
    }
    return record as T;
  };
  return {
    schema,
    validate,
    async read(path) {
      const text = await readText(path);
      const out: T[] = [];
      const lines = (text ?? "").split("\n");
      for (let i = 0; i < lines.length; i++) {
        const raw = lines[i]!.trim();
        if (raw === "") continue;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          throw new SchemaError(
            `Cannot accept record at ${path}:${i + 1}: field "/": not JSON (${detail})`,
            { file: path, line: i + 1, field: "/" },
          );
        }
        out.push(validate(value, { file: path, line: i + 1 }));
      }
      return out;
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
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
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
