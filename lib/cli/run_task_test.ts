import assert from "node:assert/strict";
import { describeError, runTask } from "./mod.ts";

Deno.test("describeError() follows the cause chain", () => {
  const err = new Error("Cannot read log", { cause: new TypeError("bad field") });
  assert.deepEqual(describeError(err, false), ["Cannot read log", "caused by: bad field"]);
});

Deno.test("runTask() sets exit code 1 and prints the message on failure", async () => {
  const lines: string[] = [];
  const code = await runTask(() => Promise.reject(new RangeError("Cannot parse: 'x'")), {
    writeError: (l) => lines.push(l),
    verbose: false,
  });
  assert.equal(code, 1);
  assert.equal(lines[0], "error: Cannot parse: 'x'");
  Deno.exitCode = 0;
});

Deno.test("runTask() returns the body's exit code", async () => {
  const code = await runTask(() => Promise.resolve(3));
  assert.equal(code, 3);
  Deno.exitCode = 0;
});
