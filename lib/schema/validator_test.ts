import assert from "node:assert/strict";
import { assertValid, SchemaError } from "./mod.ts";

const schema = {
  type: "object",
  properties: { a: { type: "number" } },
  required: ["a"],
  additionalProperties: false,
};

Deno.test("assertValid() accepts a matching record", () => {
  assertValid(schema, { a: 1 }, { file: "f.jsonl", line: 3 });
});

Deno.test("assertValid() names file, line and field of a bad record", () => {
  assert.throws(
    () => assertValid(schema, { a: "x" }, { file: "f.jsonl", line: 3 }),
    (e: unknown) =>
      e instanceof SchemaError && e.file === "f.jsonl" && e.line === 3 && e.field === "/a" &&
      e.message.includes("f.jsonl:3"),
  );
});
