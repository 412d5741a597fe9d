/**
 * JSON Schema validation (ajv, draft-07) with errors that name the file,
 * line and field.
 *
 * @module
 */
import { Ajv, type ValidateFunction } from "ajv";

/** Thrown when a record does not match its schema. */
export class SchemaError extends TypeError {
  /** File the record came from (or is going to). */
  readonly file: string;
  /** 1-based line in a JSONL file, 0 when not applicable. */
  readonly line: number;
  /** JSON pointer of the offending field, e.g. `/step1_selection/chosen_index`. */
  readonly field: string;
  /** Rejection reason: `invalid_record` unless more is known (`field_too_long`, `bad_encoding`, `duplicate_group`, …). */
  readonly reason: string;

  /**
   * @param message Full message.
   * @param where Location of the failure.
   */
  constructor(
    message: string,
    where: { file: string; line: number; field: string; reason?: string },
  ) {
    super(message);
    this.name = "SchemaError";
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
    this.reason = where.reason ?? "invalid_record";
  }
}

const ajv = new Ajv({ allErrors: true, strict: true });
const cache = new Map<object, ValidateFunction>();

/**
 * Validate `value` against `schema`; throw a {@linkcode SchemaError} naming
 * the file, line and first failing field.
 *
 * @param schema A JSON Schema object (compiled once and cached).
 * @param value The record.
 * @param where Where the record lives, for the message.
 * @example
 * ```ts
 * assertValid({ type: "object" }, {}, { file: "x.jsonl", line: 1 });
 * ```
 */
export function assertValid(
  schema: object,
  value: unknown,
  where: { file: string; line: number },
): void {
  let validate = cache.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (validate(value)) return;
  const first = validate.errors?.[0];
  const field = first?.instancePath || "/";
  const detail = (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`)
    .join("; ");
  const at = where.line > 0 ? `${where.file}:${where.line}` : where.file;
  throw new SchemaError(`Cannot accept record at ${at}: field "${field}": ${detail}`, {
    file: where.file,
    line: where.line,
    field,
  });
}
