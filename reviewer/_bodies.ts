/**
 * JSON Schemas of the reviewer's POST bodies and the semantic checks JSON
 * Schema cannot express (pick index ranges, box order, action rules).
 *
 * @module
 */
import type { AutomationDecision, Box, ReviewAction } from "../lib/types.ts";
import { assertValid, SchemaError } from "../lib/schema/mod.ts";
import { HttpError } from "./_http.ts";

const requestId = { type: "string", pattern: "^[A-Za-z0-9_-]{8,64}$" };
const box = {
  type: "array",
  minItems: 4,
  maxItems: 4,
  items: { type: "number", minimum: 0, maximum: 1 },
};

const decisionSchema = {
  type: "object",
  additionalProperties: false,
  required: ["request_id", "group_id", "action", "final_choice", "crop_coords", "seconds_spent"],
  properties: {
    request_id: requestId,
    group_id: { type: "string", pattern: "^g_[0-9a-f]{16}$" },
    action: { type: "string", enum: ["approve", "reject", "override", "skip"] },
    final_choice: { oneOf: [{ type: "integer", minimum: 0, maximum: 63 }, { type: "null" }] },
    crop_coords: { oneOf: [box, { type: "null" }] },
    manual_crop: { type: "boolean" },
    seconds_spent: { type: "number", minimum: 0, maximum: 86400 },
  },
};

const plainSchema = {
  type: "object",
  additionalProperties: false,
  required: ["request_id"],
  properties: { request_id: requestId },
};

const bandSchema = {
  type: "object",
  additionalProperties: false,
  required: ["request_id", "expected_count"],
  properties: { request_id: requestId, expected_count: { type: "integer", minimum: 0 } },
};

/** A validated `submit_decision` body. */
export interface DecisionBody {
  request_id: string;
  group_id: string;
  action: ReviewAction;
  final_choice: number | null;
  crop_coords: Box | null;
  manual_crop?: boolean;
  seconds_spent: number;
}

function check<T>(schema: object, body: unknown, what: string): T {
  try {
    assertValid(schema, body, { file: what, line: 0 });
  } catch (error) {
    if (error instanceof SchemaError) throw new HttpError(400, error.message);
    throw error;
  }
  return body as T;
}

/** Validate a body holding only `request_id` (undo, submit_batch). */
export function parsePlainBody(body: unknown, what: string): { request_id: string } {
  return check(plainSchema, body, what);
}

/** Validate an approve-band body. */
export function parseBandBody(body: unknown): { request_id: string; expected_count: number } {
  return check(bandSchema, body, "approve_band");
}

/**
 * Validate a `submit_decision` body against its decision: approve keeps the
 * AI pick, override names another image, reject and skip name none.
 */
export function parseDecisionBody(
  body: unknown,
  lookup: (groupId: string) => AutomationDecision | undefined,
): { body: DecisionBody; decision: AutomationDecision } {
  const b = check<DecisionBody>(decisionSchema, body, "submit_decision");
  const decision = lookup(b.group_id);
  if (decision === undefined) {
    throw new HttpError(404, `Cannot record decision: unknown group "${b.group_id}"`);
  }
  const ai = decision.step1_selection.chosen_index;
  const n = decision.images.length;
  if (b.action === "approve" && b.final_choice !== ai) {
    throw new HttpError(
      422,
      `Cannot record decision: approve must keep the AI pick ${ai}, got ${b.final_choice}`,
    );
  }
  if (b.action === "override") {
    if (b.final_choice === null || b.final_choice >= n) {
      throw new HttpError(
        422,
        `Cannot record decision: override needs an image index 0-${n - 1}, got ${b.final_choice}`,
      );
    }
    if (b.final_choice === ai) {
      throw new HttpError(422, "Cannot record decision: override names the AI pick (use approve)");
    }
  }
  if (
    (b.action === "reject" || b.action === "skip") && (b.final_choice !== null ||
      b.crop_coords !== null || b.manual_crop === true)
  ) {
    throw new HttpError(
      422,
      `Cannot record decision: ${b.action} takes no final_choice, crop_coords or manual_crop`,
    );
  }
  const c = b.crop_coords;
  if (c !== null && !(c[0] < c[2] && c[1] < c[3] && c[2] - c[0] >= 0.01 && c[3] - c[1] >= 0.01)) {
    throw new HttpError(
      422,
      `Cannot record decision: crop [${
        c.join(", ")
      }] needs x1 < x2, y1 < y2 and a size of at least 0.01`,
    );
  }
  return { body: b, decision };
}
