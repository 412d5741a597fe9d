/**
 * JSONL plumbing for decision files: validated line reading and atomic
 * (temp file + rename) writes.
 *
 * @module
 */
import type { Box } from "../types.ts";
import { assertValid, SchemaError } from "../schema/mod.ts";
import { LineReadError, readLines, writeFileAtomic } from "../fs/mod.ts";

/** A parsed, validated line. */
export interface JsonlLine<T> {
  line: number;
  value: T;
}

/** Longest path accepted in a decision record (characters, PATH_MAX). */
export const MAX_PATH_CHARS = 4096;

/**
 * Read every non-blank line of `path`, parse it and validate it with `schema`
 * plus `check` (semantic rules JSON Schema cannot say). A missing file reads
 * as empty. Lines are streamed with a per-line byte cap (`field_too_long`), a
 * file cap (`file_too_large`) and strict UTF-8 (`bad_encoding`).
 */
export async function readJsonl<T>(
  path: string,
  schema: object,
  check: (value: T) => { field: string; message: string; reason?: string } | null,
): Promise<T[]> {
  return (await readJsonlLines(path, schema, check)).map((l) => l.value);
}

/** {@linkcode readJsonl} with each record's line number. */
export async function readJsonlLines<T>(
  path: string,
  schema: object,
  check: (value: T) => { field: string; message: string; reason?: string } | null,
): Promise<JsonlLine<T>[]> {
  const out: JsonlLine<T>[] = [];
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
      out.push({ line, value: validateRecord<T>(value, schema, check, { file: path, line }) });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    if (error instanceof LineReadError) {
      const at = error.line > 0 ? `${path}:${error.line}` : path;
      throw new SchemaError(
        `Cannot accept record at ${at}: field "/": ${error.message}`,
        { file: path, line: error.line, field: "/", reason: error.reason },
      );
    }
    if (error instanceof SchemaError) throw error;
    throw new Error(`Cannot read decisions: "${path}" is not readable`, { cause: error });
  }
  return out;
}

/** A path over {@linkcode MAX_PATH_CHARS} as a `field_too_long` problem, else null. */
export function pathProblem(
  path: string,
  field: string,
): { field: string; message: string; reason: string } | null {
  if (path.length <= MAX_PATH_CHARS) return null;
  return {
    field,
    message: `${path.length} characters, over the limit of ${MAX_PATH_CHARS} (field_too_long)`,
    reason: "field_too_long",
  };
}

/** Validate one record against the schema and the semantic check; returns it typed. */
export function validateRecord<T>(
  value: unknown,
  schema: object,
  check: (value: T) => { field: string; message: string; reason?: string } | null,
  where: { file: string; line: number },
): T {
  assertValid(schema, value, where);
  const problem = check(value as T);
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
  return value as T;
}

/** Serialise records, one JSON object per line, each line ending in "\n". */
export function toJsonl(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r) + "\n").join("");
}

/**
 * Replace `path` with `text` atomically: write a temp file in the same folder,
 * flush it, then rename over the target. Readers see the old or the new file,
 * never a half-written one.
 */
export async function atomicWriteText(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text, { sync: true });
  } catch (error) {
    throw new Error(`Cannot write decisions: "${path}" could not be replaced`, { cause: error });
  }
}

/** The current bytes of `path` as text, "" when missing, ending in "\n" when not empty. */
export async function existingText(path: string): Promise<string> {
  try {
    const text = await Deno.readTextFile(path);
    return text === "" || text.endsWith("\n") ? text : text + "\n";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw new Error(`Cannot read decisions: "${path}" is not readable`, { cause: error });
  }
}

/** A box problem (ordering) or null; shared with the approved-decision checks. */
export function boxProblem(
  box: Box | null,
  field: string,
): { field: string; message: string } | null {
  if (box === null) return null;
  const [x1, y1, x2, y2] = box;
  if (!(x1 < x2 && y1 < y2)) {
    return { field, message: `box [${box.join(", ")}] must have x1 < x2 and y1 < y2` };
  }
  return null;
}
