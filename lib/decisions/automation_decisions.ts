/**
 * Reader and atomic appender for `automation_decisions.jsonl`, validated
 * against `automation_decisions.schema.json` on every read and write.
 *
 * @module
 */
import type { AutomationDecision } from "../types.ts";
import schema from "./automation_decisions.schema.json" with { type: "json" };
import { SchemaError } from "../schema/mod.ts";
import { jsonlStore, pathProblem, type RecordProblem, type RecordWhere } from "./jsonl_store.ts";
import { boxProblem } from "./_box_problem.ts";

/** The JSON Schema of one `automation_decisions.jsonl` record. */
export const AUTOMATION_DECISION_SCHEMA: object = schema;

function checkAutomation(d: AutomationDecision): RecordProblem | null {
  for (const [i, img] of d.images.entries()) {
    const p = pathProblem(img.path, `/images/${i}/path`);
    if (p !== null) return p;
  }
  const s = d.step1_selection;
  if (s.chosen_index >= d.images.length) {
    return {
      field: "/step1_selection/chosen_index",
      message: `index ${s.chosen_index} is outside images (${d.images.length})`,
    };
  }
  if (d.images[s.chosen_index]!.path !== s.chosen) {
    return {
      field: "/step1_selection/chosen",
      message: `"${s.chosen}" is not images[${s.chosen_index}].path`,
    };
  }
  if (d.step2_crop.needs_crop && d.step2_crop.box === null) {
    return { field: "/step2_crop/box", message: "needs_crop is true but box is null" };
  }
  return boxProblem(d.step2_crop.box, "/step2_crop/box");
}

const store = jsonlStore<AutomationDecision>({ schema, check: checkAutomation });

/**
 * Validate one automation decision (schema + index/box rules); throws a
 * `SchemaError` naming file, line and field.
 *
 * @param record The candidate record.
 * @param where File and 1-based line for the message (line 0: not from a file).
 * @returns The record, typed.
 * @example
 * ```ts
 * declare const line: string;
 * const d = validateAutomationDecision(JSON.parse(line), { file: "x.jsonl", line: 3 });
 * ```
 */
export function validateAutomationDecision(
  record: unknown,
  where?: RecordWhere,
): AutomationDecision {
  return store.validate(record, where);
}

/** Options for {@linkcode readAutomationDecisions}. */
export interface ReadAutomationDecisionsOptions {
  /**
   * `refuse` (default): a `group_id` on two lines throws a `SchemaError` naming
   * the later line (which record a person reviewed would be a guess). `keep`:
   * return them all (for callers that refuse per group, or rewrite the file).
   */
  duplicates?: "refuse" | "keep";
}

const readDefaults = { duplicates: "refuse" } satisfies Required<ReadAutomationDecisionsOptions>;

/**
 * Read and validate every record of an `automation_decisions.jsonl`; a missing
 * file reads as `[]`. Lines are capped (`field_too_long`), strict UTF-8
 * (`bad_encoding`), paths at most 4096 characters, and a `group_id` on two
 * lines is refused (`duplicate_group`) unless `duplicates: "keep"`.
 *
 * @param path The JSONL file.
 * @param options Duplicate handling.
 * @returns The records in file order.
 * @throws {SchemaError} Naming file, line and field (`reason` says why).
 * @example
 * ```ts
 * const decisions = await readAutomationDecisions("sandbox/automation_decisions.jsonl");
 * ```
 */
export async function readAutomationDecisions(
  path: string,
  options: ReadAutomationDecisionsOptions = {},
): Promise<AutomationDecision[]> {
  const opts = { ...readDefaults, ...options };
  const lines = await store.readLines(path);
  if (opts.duplicates === "refuse") {
    const first = new Map<string, number>();
    for (const { line, value } of lines) {
      const earlier = first.get(value.group_id);
      if (earlier !== undefined) {
        throw new SchemaError(
          `Cannot accept record at ${path}:${line}: field "/group_id": group ` +
            `"${value.group_id}" is already decided on line ${earlier} (duplicate_group; keep ` +
            `one record per group, e.g. re-run decide with --force to rewrite the file)`,
          { file: path, line, field: "/group_id", reason: "duplicate_group" },
        );
      }
      first.set(value.group_id, line);
    }
  }
  return lines.map((l) => l.value);
}

/**
 * Append records atomically: every record is validated first (nothing is
 * written if one fails), then the old content plus the new lines replace the
 * file via temp file + rename. One writer at a time per file.
 *
 * @param path The JSONL file (created with its folder when missing).
 * @param records Records to append.
 * @example
 * ```ts
 * import type { AutomationDecision } from "../types.ts";
 * declare const decision: AutomationDecision;
 * await appendAutomationDecisions("sandbox/automation_decisions.jsonl", [decision]);
 * ```
 */
export async function appendAutomationDecisions(
  path: string,
  records: readonly AutomationDecision[],
): Promise<void> {
  await store.append(path, records);
}

/**
 * Replace the whole file with `records` atomically (validated first; temp
 * file + rename). Used by `decide --force` to supersede re-decided groups.
 *
 * @param path The JSONL file (created with its folder when missing).
 * @param records All records the file should hold.
 * @example
 * ```ts
 * import type { AutomationDecision } from "../types.ts";
 * declare const records: AutomationDecision[];
 * await writeAutomationDecisions("sandbox/automation_decisions.jsonl", records);
 * ```
 */
export async function writeAutomationDecisions(
  path: string,
  records: readonly AutomationDecision[],
): Promise<void> {
  await store.write(path, records);
}
