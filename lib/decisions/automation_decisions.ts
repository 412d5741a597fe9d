/**
 * Reader and atomic appender for `automation_decisions.jsonl`, validated
 * against `automation_decisions.schema.json` on every read and write.
 *
 * @module
 */
import type { AutomationDecision } from "../types.ts";
import schema from "./automation_decisions.schema.json" with { type: "json" };
import { jsonlStore, type RecordProblem, type RecordWhere } from "./jsonl_store.ts";
import { boxProblem } from "./_box_problem.ts";

/** The JSON Schema of one `automation_decisions.jsonl` record. */
export const AUTOMATION_DECISION_SCHEMA: object = schema;

function checkAutomation(d: AutomationDecision): RecordProblem | null {
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
 * const d = validateAutomationDecision(JSON.parse(line), { file: "x.jsonl", line: 3 });
 * ```
 */
export function validateAutomationDecision(
  record: unknown,
  where?: RecordWhere,
): AutomationDecision {
  return store.validate(record, where);
}

/**
 * Read and validate every record of an `automation_decisions.jsonl`; a missing
 * file reads as `[]`.
 *
 * @param path The JSONL file.
 * @returns The records in file order.
 * @example
 * ```ts
 * const decisions = await readAutomationDecisions("sandbox/automation_decisions.jsonl");
 * ```
 */
export async function readAutomationDecisions(path: string): Promise<AutomationDecision[]> {
  return await store.read(path);
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
 * await writeAutomationDecisions("sandbox/automation_decisions.jsonl", records);
 * ```
 */
export async function writeAutomationDecisions(
  path: string,
  records: readonly AutomationDecision[],
): Promise<void> {
  await store.write(path, records);
}
