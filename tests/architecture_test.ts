import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { checkArchitecture, readLayers, taskLibCalls } from "./architecture/check_architecture.ts";

const show = (v: { rule: string; where: string; detail: string }[]) =>
  v.map((x) => `${x.rule}: ${x.where}: ${x.detail}`).join("\n");

Deno.test("the repository keeps the layers, mod.ts boundaries and directions ARCHITECTURE.md states", () => {
  const violations = checkArchitecture();
  assert.deepEqual(violations, [], `\n${show(violations)}`);
});

Deno.test("ARCHITECTURE.md's layers table places lib/types.ts lowest and every lib folder", () => {
  const layers = readLayers();
  assert.equal(layers.get("lib"), 0);
  const folders = [...Deno.readDirSync(new URL("../lib", import.meta.url))]
    .filter((e) => e.isDirectory).map((e) => `lib/${e.name}`);
  for (const f of folders) assert.ok(layers.has(f), `${f} is not in the layers table`);
});

/** A throwaway checkout: ARCHITECTURE.md with two layers and the given files. */
function tree(files: Record<string, string>): string {
  const root = Deno.makeTempDirSync({ prefix: "keeper-arch-" });
  const all: Record<string, string> = {
    "ARCHITECTURE.md": "# x\n\n## Layers\n\n| layer | folders |\n| - | - |\n" +
      "| 0 | `types.ts` |\n| 1 | `low` |\n| 2 | `high` |\n",
    "lib/types.ts": "export type T = number;\n",
    "lib/low/mod.ts": 'export { low } from "./low.ts";\n',
    "lib/low/low.ts": "export const low = 1;\n",
    "lib/low/_private.ts": "export const hidden = 2;\n",
    "lib/high/mod.ts": 'export { high } from "./high.ts";\n',
    "lib/high/high.ts": 'import { low } from "../low/mod.ts";\nexport const high = low + 1;\n',
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    Deno.mkdirSync(dirname(join(root, path)), { recursive: true });
    Deno.writeTextFileSync(join(root, path), text);
  }
  return root;
}

function violationsOf(files: Record<string, string>): string[] {
  const root = tree(files);
  try {
    return checkArchitecture(root).map((v) => `${v.rule} ${v.where}`);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

Deno.test("checkArchitecture() passes a clean tree and names each kind of broken rule", () => {
  assert.deepEqual(violationsOf({}), []);
  // A lower layer importing a higher one.
  assert.deepEqual(
    violationsOf({
      "lib/low/up.ts": 'import { high } from "../high/mod.ts";\nexport const u = high;\n',
    }),
    ["layer lib/low/up.ts:1"],
  );
  // Another folder's private file, and a non-mod.ts file.
  assert.deepEqual(
    violationsOf({
      "lib/high/a.ts": 'import { hidden } from "../low/_private.ts";\nexport const a = hidden;\n',
      "lib/high/b.ts": 'import { low } from "../low/low.ts";\nexport const b = low;\n',
    }),
    ["mod-only lib/high/a.ts:1", "mod-only lib/high/b.ts:1"],
  );
  // Product code importing tests/ or tasks/; a lib test may use tests/fixtures.
  assert.deepEqual(
    violationsOf({
      "tests/fixtures/make.ts": "export const make = 1;\n",
      "lib/low/bad.ts":
        'import { make } from "../../tests/fixtures/make.ts";\nexport const b = make;\n',
      "lib/low/low_test.ts":
        'import { make } from "../../tests/fixtures/make.ts";\nconsole.log(make);\n',
    }),
    ["direction lib/low/bad.ts:1"],
  );
  // A folder missing from the layers table, and a circle inside a folder.
  assert.deepEqual(
    violationsOf({
      "lib/new/mod.ts": "export const n = 1;\n",
      "lib/low/x.ts": 'import { y } from "./y.ts";\nexport const x = y;\n',
      "lib/low/y.ts": 'import type { x } from "./x.ts";\nexport const y = 1 as typeof x;\n',
    }),
    ["layer-table lib/new", "circle lib/low"],
  );
  // A native library imported outside its one adapter (a test may use it directly).
  assert.deepEqual(
    violationsOf({
      "lib/low/resize.ts": 'import sharp from "sharp";\nexport const r = sharp;\n',
      "lib/high/run.ts": 'export const o = () => import("npm:onnxruntime-node@1");\n',
      "lib/low/resize_test.ts": 'import sharp from "sharp";\nconsole.log(sharp);\n',
    }),
    ["adapter lib/high/run.ts:1", "adapter lib/low/resize.ts:1"],
  );
});

Deno.test("checkArchitecture() flags a task that uses two lib functions; lib/cli, types, constants and format… do not count", () => {
  const cli = 'import { parseFlags, runTask } from "../lib/cli/mod.ts";\n';
  // Thin: one call, plus a formatter, a constant, a type and the shared task wrapper.
  const thin = cli +
    'import { formatLow, LOW_LIMIT, low, type Low } from "../lib/low/mod.ts";\n' +
    "await runTask(() => { const v: Low = low(parseFlags()); console.log(formatLow(v, LOW_LIMIT)); });\n";
  assert.deepEqual(violationsOf({ "tasks/thin.ts": thin }), []);
  // Orchestration left in the task: two lib functions, named with the line of the second.
  const fat = cli +
    'import { low } from "../lib/low/mod.ts";\n' +
    'import { high as top } from "../lib/high/mod.ts";\n' +
    "await runTask(async () => {\n  const a = await low();\n  console.log(top(a));\n});\n";
  assert.deepEqual(violationsOf({ "tasks/fat.ts": fat }), ["thin-task tasks/fat.ts:6"]);
  // A lib function passed as a callback counts as much as a call; so do namespace members.
  const callback = cli +
    'import { low } from "../lib/low/mod.ts";\n' +
    'import { high } from "../lib/high/mod.ts";\n' +
    "await runTask(() => [1].map(low).map((x) => high(x)));\n";
  const ns = cli + 'import * as L from "../lib/low/mod.ts";\n' +
    "await runTask(() => L.low(L.hidden(), L.LOW_LIMIT));\n";
  assert.deepEqual(violationsOf({ "tasks/callback.ts": callback, "tasks/ns.ts": ns }), [
    "thin-task tasks/callback.ts:4",
    "thin-task tasks/ns.ts:3",
  ]);
  // A name only in a comment or in the import list is no use.
  const root = tree({
    "tasks/quiet.ts": cli + 'import { high, low } from "../lib/high/mod.ts";\n' +
      "// high() used to be called here\nawait runTask(() => low());\n",
  });
  try {
    assert.deepEqual(taskLibCalls("tasks/quiet.ts", root), [{ name: "low", line: 4 }]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("every task in tasks/ uses at most one lib function", () => {
  const tasks = [...Deno.readDirSync(new URL("../tasks", import.meta.url))]
    .filter((e) => e.name.endsWith(".ts")).map((e) => `tasks/${e.name}`).sort();
  assert.ok(tasks.length >= 19, `found ${tasks.length} tasks`);
  const calls = Object.fromEntries(tasks.map((t) => [t, taskLibCalls(t).map((c) => c.name)]));
  for (const [task, names] of Object.entries(calls)) {
    assert.ok(names.length <= 1, `${task}: ${names}`);
  }
  // The check sees the calls that are there (not a vacuous pass).
  assert.deepEqual(calls["tasks/analyze.ts"], ["analyzeStore"]);
  assert.deepEqual(calls["tasks/apply.ts"], ["runApply"]);
});

/** The npm packages and local modules `deno info` finds in the static graph of `entry`. */
function graphOf(entry: string): { local: number; npm: string[] } {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "piped",
    stderr: "null",
  }).outputSync();
  const g = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: { specifier: string }[];
  };
  return {
    local: g.modules.filter((m) => m.specifier.startsWith("file://")).length,
    npm: g.modules.filter((m) => m.specifier.startsWith("npm:")).map((m) => m.specifier),
  };
}

Deno.test("ingest loads no native library; the reviewer and apply load no onnxruntime", () => {
  const ingest = graphOf("tasks/ingest.ts");
  assert.ok(ingest.local > 10, `deno info saw ${ingest.local} local modules`);
  assert.deepEqual(ingest.npm.filter((s) => /onnxruntime|sharp/.test(s)), []);
  for (const entry of ["tasks/apply.ts", "tasks/review.ts", "reviewer/server.ts"]) {
    assert.deepEqual(graphOf(entry).npm.filter((s) => /onnxruntime/.test(s)), [], entry);
  }
});
