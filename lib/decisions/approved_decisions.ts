/**
 * Reader and atomic writer for `approved_decisions.jsonl`, validated against
 * `approved_decisions.schema.json` on every read and write.
 *
 * @module
 */
import type { ApprovedDecision } from "../types.ts";
import schema from "./approved_decisions.schema.json" with { type: "json" };
import { jsonlStore, type RecordProblem, type RecordWhere } from "./jsonl_store.ts";
import { boxProblem } from "./_box_problem.ts";

/** The JSON Schema of one `approved_decisions.jsonl` record. */
export const APPROVED_DECISION_SCHEMA: object = schema;

function checkApproved(d: ApprovedDecision): RecordProblem | null {
  const picks = d.action === "approve" || d.action === "override";
  if (picks && d.final_choice === null) {
    return { field: "/final_choice", message: `action "${d.action}" needs a final_choice` };
  }
  if (!picks && d.final_choice !== null) {
    return { field: "/final_choice", message: `action "${d.action}" must have final_choice null` };
  }
  return boxProblem(d.crop_coords, "/crop_coords") ?? boxProblem(d.ai_crop, "/ai_crop");
}

const store = jsonlStore<ApprovedDecision>({ schema, check: checkApproved });

/**
 * Validate one approved decision (schema + action/choice/box rules); throws a
 * `SchemaError` naming file, line and field.
 *
 * @param record The candidate record.
 * @param where File and 1-based line for the message.
 * @returns The record, typed.
 * @example
 * ```ts
 * validateApprovedDecision({ group_id: "g_0123456789abcdef", action: "skip", final_choice: null,
 *   crop_coords: null, ai_choice: 0, ai_crop: null, timestamp: new Date().toISOString(),
 *   seconds_spent: 1.5 });
 * ```
 */
export function validateApprovedDecision(
  record: unknown,
  where?: RecordWhere,
): ApprovedDecision {
  return store.validate(record, where);
}

/**
 * Read and validate every record of an `approved_decisions.jsonl`; a missing
 * file reads as `[]`. Later lines for the same group supersede earlier ones
 * (the caller decides; this returns them all in file order).
 *
 * @param path The JSONL file.
 * @returns The records in file order.
 * @example
 * ```ts
 * const approved = await readApprovedDecisions("sandbox/approved_decisions.jsonl");
 * ```
 */
export async function readApprovedDecisions(path: string): Promise<ApprovedDecision[]> {
  return await store.read(path);
}

/**
 * Replace the file with `records` atomically (validated first; temp file +
 * rename, so readers never see half a file).
 *
 * @param path The JSONL file (created with its folder when missing).
 * @param records All records the file should hold.
 * @example
 * ```ts
 * import type { ApprovedDecision } from "../types.ts";
 * declare const records: ApprovedDecision[];
 * await writeApprovedDecisions("sandbox/approved_decisions.jsonl", records);
 * ```
 */
export async function writeApprovedDecisions(
  path: string,
  records: readonly ApprovedDecision[],
): Promise<void> {
  await store.write(path, records);
}

/**
 * Append records atomically (validated first; old content + new lines replace
 * the file via temp file + rename). One writer at a time per file.
 *
 * @param path The JSONL file.
 * @param records Records to append.
 * @example
 * ```ts
 * import type { ApprovedDecision } from "../types.ts";
 * declare const record: ApprovedDecision;
 * await appendApprovedDecisions("sandbox/approved_decisions.jsonl", [record]);
 * ```
 */
export async function appendApprovedDecisions(
  path: string,
  records: readonly ApprovedDecision[],
): Promise<void> {
  await store.append(path, records);
}
