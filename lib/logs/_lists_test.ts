import assert from "node:assert/strict";
import { parsePathList, parsePythonList } from "./_lists.ts";

Deno.test("parsePythonList() reads single-quoted repr lists with escapes", () => {
  assert.deepEqual(parsePythonList("['a/b.png', 'c d.png']"), ["a/b.png", "c d.png"]);
  assert.deepEqual(parsePythonList(`["it's.png", 'x\\'y.png']`), ["it's.png", "x'y.png"]);
  assert.deepEqual(parsePythonList("[]"), []);
  assert.deepEqual(parsePythonList("['a',]"), ["a"]);
});

Deno.test("parsePythonList() returns null for text that is not a list of strings", () => {
  assert.equal(parsePythonList("['a'"), null);
  assert.equal(parsePythonList("[1, 2]"), null);
  assert.equal(parsePythonList("a, b"), null);
  assert.equal(parsePythonList("['a' 'b']"), null);
});

Deno.test("parsePathList() prefers JSON and falls back to Python repr", () => {
  assert.deepEqual(parsePathList('["a.png", "b.png"]'), ["a.png", "b.png"]);
  assert.deepEqual(parsePathList("['a.png']"), ["a.png"]);
  assert.equal(parsePathList('["a.png", 3]'), null);
});
