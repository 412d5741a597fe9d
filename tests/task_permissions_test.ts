/**
 * Least permissions (issue #16 item 14): a deno.json task may grant
 * `--allow-run` only when code it loads can start a process. `demo` was
 * granted it without needing it (its run without `--allow-run` completed:
 * `deno run --no-prompt --allow-read --allow-write --allow-env --allow-ffi
 * --allow-sys --allow-net=127.0.0.1 tasks/demo.ts --no-serve --scale 0.1`).
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;
const SPAWNS = /new Deno\.Command\s*\(|from "node:child_process"|Deno\.run\s*\(/;

async function localModules(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  return graph.modules.map((m) => m.specifier)
    .filter((s) => s.startsWith("file://") && !s.includes("/node_modules/"))
    .map((s) => new URL(s).pathname);
}

Deno.test("demo runs without --allow-run: not granted, and nothing it loads starts a process", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks as Record<
    string,
    { command: string }
  >;
  const demo = tasks["demo"]?.command ?? "";
  assert.match(demo, /tasks\/demo\.ts/);
  assert.doesNotMatch(demo, /--allow-run\b/, "demo needs no --allow-run");
  const spawning = [];
  for (const f of await localModules("tasks/demo.ts")) {
    if (SPAWNS.test(await Deno.readTextFile(f))) spawning.push(f);
  }
  assert.deepEqual(spawning, [], "demo now starts processes: grant --allow-run=<program> only");
});
