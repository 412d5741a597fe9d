import assert from "node:assert/strict";
import { join } from "node:path";
import { SchemaError } from "../schema/mod.ts";
import { jsonlStore } from "./jsonl_store.ts";

interface Note {
  text: string;
  n: number;
}

const notes = jsonlStore<Note>({
  schema: {
    type: "object",
    required: ["text", "n"],
    additionalProperties: false,
    properties: { text: { type: "string" }, n: { type: "integer" } },
  },
  check: (r) => r.n < 0 ? { field: "/n", message: `n ${r.n} must not be negative` } : null,
});

Deno.test("jsonlStore() appends after existing lines and names the file line of a bad record", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "notes.jsonl");
    assert.deepEqual(await notes.read(path), [], "a missing file reads as empty");
    await notes.write(path, [{ text: "a", n: 1 }]);
    // A file without a final newline still gets its next record on a line of its own.
    await Deno.writeTextFile(path, (await Deno.readTextFile(path)).trimEnd());
    await notes.append(path, [{ text: "b", n: 2 }]);
    assert.deepEqual(await notes.read(path), [{ text: "a", n: 1 }, { text: "b", n: 2 }]);
    await assert.rejects(
      () => notes.append(path, [{ text: "c", n: 3 }, { text: "d", n: -1 }]),
      (e: unknown) =>
        e instanceof SchemaError && e.message.includes(`${path}:4`) && e.message.includes('"/n"'),
    );
    assert.equal((await notes.read(path)).length, 2, "nothing is written when one record fails");
    await Deno.writeTextFile(path, '{"text":"x","n":1}\n\n{"text":"y"}\n');
    await assert.rejects(
      () => notes.read(path),
      (e: unknown) => (e as Error).message.includes(`${path}:3`),
    );
    assert.throws(() => notes.validate({ text: "z", n: 1, extra: true }), SchemaError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
