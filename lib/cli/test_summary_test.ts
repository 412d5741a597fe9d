import assert from "node:assert/strict";
import { parseDenoTestSummary } from "./test_summary.ts";

Deno.test("parseDenoTestSummary() reads passed, failed and ignored counts", () => {
  const out = "running 3 tests\n...\nFAILED | 5 passed (2 steps) | 2 failed | 1 ignored (3s)\n";
  assert.deepEqual(parseDenoTestSummary(out), { passed: 5, failed: 2, skipped: 1 });
});

Deno.test("parseDenoTestSummary() returns undefined when the run crashed", () => {
  assert.equal(parseDenoTestSummary("error: Module not found"), undefined);
});
