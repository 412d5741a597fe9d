/**
 * The rules ARCHITECTURE.md states, checked against the imports of a checkout:
 *
 * 1. Every `lib/` folder (and `lib/types.ts`) sits in exactly one layer of ARCHITECTURE.md's
 *    "Layers" table.
 * 2. Product code in `lib/` imports only folders of lower layers.
 * 3. Another folder is imported only through its `mod.ts` (or `lib/types.ts`); nothing imports
 *    another top folder's private `_x.ts` file (tests/ may use a `_test_helpers.ts`).
 * 4. Top folders import downwards only: lib → lib; reviewer → lib; tasks → lib, reviewer;
 *    notebooks → lib; tests → anything. Unit tests in lib and reviewer (`*_test.ts`,
 *    `_test_helpers.ts`) may also import `tests/fixtures/`.
 * 5. No import circle between the files of one folder.
 * 6. Each native library has one adapter: only `lib/nn/_ort.ts` imports onnxruntime-node, only
 *    `lib/image/_sharp.ts` imports sharp (and sharp-phash).
 * 7. Each task is thin — parse flags, one lib call, print: a `tasks/*.ts` file uses at most one
 *    function imported from `lib/` (see {@linkcode taskLibCalls} for what does not count).
 *
 * @module
 */
import {
  circles,
  codeOf,
  importsOf,
  listSources,
  packagesOf,
  REPO_ROOT,
  stripComments,
  unitOf,
} from "./_graph.ts";
import { join } from "node:path";

/** One broken rule at one import. */
export interface Violation {
  rule: "layer-table" | "layer" | "mod-only" | "direction" | "circle" | "adapter" | "thin-task";
  where: string;
  detail: string;
}

const isTest = (f: string) => /_test(_helpers)?\.tsx?$/.test(f);

/** Native package → the one file allowed to import it. */
export const ADAPTERS: Readonly<Record<string, string>> = Object.freeze({
  "onnxruntime-node": "lib/nn/_ort.ts",
  "sharp": "lib/image/_sharp.ts",
  "sharp-phash": "lib/image/_sharp.ts",
});

/** One lib function a task uses, and the line that first uses it. */
export interface TaskLibCall {
  name: string;
  line: number;
}

const LIB_IMPORT =
  /^\s*import\s+(type\s+)?([\s\S]*?)\s*from\s*["']((?:\.\.\/)+lib\/([\w-]+)\/mod\.ts)["']/gm;

/**
 * The lib functions a task file uses (references after its imports; a call, a callback, a
 * `new`). Not counted: `lib/cli` (the `runTask()` / flag wrapper every task shares), type-only
 * bindings, constants named in UPPER_CASE, and pure formatters named `format…` (they only turn
 * a result into text). A namespace import counts each member used.
 *
 * @param file A task file, relative to `root`.
 * @param root The checkout.
 * @returns Each lib function used, with the line of its first use.
 */
export function taskLibCalls(file: string, root: string = REPO_ROOT): TaskLibCall[] {
  const text = stripComments(codeOf(file, root));
  const bindings: string[] = [];
  const namespaces: string[] = [];
  let body = text;
  for (const m of text.matchAll(LIB_IMPORT)) {
    // Blank the import itself (keeping lines) so only uses count.
    body = body.replace(m[0], m[0].replace(/[^\n]/g, " "));
    if (m[1] !== undefined || m[4] === "cli") continue;
    const clause = m[2]!;
    const ns = /^\*\s+as\s+([\w$]+)$/.exec(clause.trim());
    if (ns) {
      namespaces.push(ns[1]!);
      continue;
    }
    const named = /\{([\s\S]*)\}/.exec(clause)?.[1] ?? "";
    const def = /^([\w$]+)\s*(,|$)/.exec(clause.trim())?.[1];
    if (def !== undefined) bindings.push(def);
    for (const part of named.split(",").map((p) => p.trim()).filter(Boolean)) {
      if (/^type\s/.test(part)) continue;
      bindings.push(part.split(/\s+as\s+/).at(-1)!.trim());
    }
  }
  const lineOf = (index: number) => body.slice(0, index).split("\n").length;
  const out: TaskLibCall[] = [];
  for (const name of bindings) {
    if (/^[A-Z][A-Z0-9_]*$/.test(name) || /^format[A-Z]/.test(name)) continue;
    const use = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, "\\$")}(?![\\w$])`).exec(body);
    if (use) out.push({ name, line: lineOf(use.index) });
  }
  for (const ns of namespaces) {
    const seen = new Set<string>();
    for (const use of body.matchAll(new RegExp(`(?<![\\w$.])${ns}\\.([\\w$]+)`, "g"))) {
      const member = use[1]!;
      if (seen.has(member) || /^[A-Z][A-Z0-9_]*$/.test(member) || /^format[A-Z]/.test(member)) {
        continue;
      }
      seen.add(member);
      out.push({ name: `${ns}.${member}`, line: lineOf(use.index!) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The layers table of ARCHITECTURE.md: unit (`lib/<folder>` or `lib`) → layer number. */
export function readLayers(root: string = REPO_ROOT): Map<string, number> {
  const text = Deno.readTextFileSync(join(root, "ARCHITECTURE.md"));
  const section = text.split(/^## /m).find((s) => s.startsWith("Layers"));
  if (section === undefined) throw new SyntaxError('Cannot read ARCHITECTURE.md: no "## Layers"');
  const layers = new Map<string, number>();
  for (const row of section.split("\n")) {
    const m = /^\|\s*(\d+)\s*\|.*\|$/.exec(row.trim());
    if (!m) continue;
    for (const name of row.matchAll(/`([a-z_]+(?:\.ts)?)`/g)) {
      const unit = name[1] === "types.ts" ? "lib" : `lib/${name[1]}`;
      layers.set(unit, Number(m[1]));
    }
  }
  return layers;
}

function libFolders(root: string): string[] {
  return [...Deno.readDirSync(join(root, "lib"))].filter((e) => e.isDirectory)
    .map((e) => `lib/${e.name}`).sort();
}

/** Every broken rule in the checkout at `root` (empty: the map is true). */
export function checkArchitecture(root: string = REPO_ROOT): Violation[] {
  const out: Violation[] = [];
  const layers = readLayers(root);
  for (const f of [...libFolders(root), "lib"]) {
    if (!layers.has(f)) {
      out.push({ rule: "layer-table", where: f, detail: "not in ARCHITECTURE.md's layers table" });
    }
  }
  for (const f of layers.keys()) {
    if (f !== "lib" && !libFolders(root).includes(f)) {
      out.push({ rule: "layer-table", where: f, detail: "in the layers table but not in lib/" });
    }
  }
  const files = listSources(["lib", "reviewer", "tasks", "tests", "notebooks"], root);
  const sameFolder = new Map<string, Set<string>>();
  for (const file of files) {
    for (const e of importsOf(file, root)) {
      const from = unitOf(e.from);
      const to = unitOf(e.to);
      const where = `${e.from}:${e.line}`;
      const top = (u: string) => u.split("/")[0]!;
      if (from === to) {
        if (from.startsWith("lib/") && !isTest(e.from) && !isTest(e.to)) {
          if (!sameFolder.has(e.from)) sameFolder.set(e.from, new Set());
          sameFolder.get(e.from)!.add(e.to);
        }
        continue;
      }
      // 4. Direction between top folders.
      const allowed: Record<string, string[]> = {
        lib: ["lib"],
        reviewer: ["lib", "reviewer"],
        tasks: ["lib", "reviewer", "tasks"],
        notebooks: ["lib"],
        tests: ["lib", "reviewer", "tasks", "tests", "notebooks"],
      };
      const ok = allowed[top(from)]?.includes(top(to)) ||
        (["lib", "reviewer"].includes(top(from)) && isTest(e.from) &&
          e.to.startsWith("tests/fixtures/"));
      if (!ok) {
        out.push({ rule: "direction", where, detail: `${top(from)} imports ${e.to}` });
        continue;
      }
      // 3. Through mod.ts only; never another folder's private file.
      if (to.startsWith("lib") && e.to !== "lib/types.ts" && !/^lib\/[^/]+\/mod\.ts$/.test(e.to)) {
        out.push({ rule: "mod-only", where, detail: `imports ${e.to}, not ${to}/mod.ts` });
      } else if (
        !to.startsWith("lib") && /(^|\/)_[^/]+$/.test(e.to) && top(from) !== top(to) &&
        !(top(from) === "tests" && e.to.endsWith("_test_helpers.ts"))
      ) {
        out.push({ rule: "mod-only", where, detail: `imports the private file ${e.to}` });
      }
      // 2. Layers (product code of lib only; tests beside code are leaves nothing imports).
      if (from.startsWith("lib") && to.startsWith("lib") && !isTest(e.from)) {
        const a = layers.get(from);
        const b = layers.get(to);
        if (a !== undefined && b !== undefined && b >= a) {
          out.push({
            rule: "layer",
            where,
            detail: `${from} (layer ${a}) imports ${to} (layer ${b}): only lower layers`,
          });
        }
      }
    }
  }
  // 6. One adapter per native library (product code; tests may drive a library directly).
  for (const file of files) {
    if (isTest(file) || !/^(lib|reviewer|tasks)\//.test(file)) continue;
    for (const p of packagesOf(file, root)) {
      const home = ADAPTERS[p.spec];
      if (home !== undefined && home !== file) {
        out.push({
          rule: "adapter",
          where: `${file}:${p.line}`,
          detail: `imports ${p.spec}; only ${home} may`,
        });
      }
    }
  }
  // 7. Thin tasks: one lib function each.
  for (const file of listSources(["tasks"], root)) {
    const calls = taskLibCalls(file, root);
    if (calls.length > 1) {
      out.push({
        rule: "thin-task",
        where: `${file}:${calls[1]!.line}`,
        detail: `uses ${calls.length} lib functions (${
          calls.map((c) => c.name).join(", ")
        }); a task parses flags, makes one lib call and prints`,
      });
    }
  }
  // 5. Circles between the files of one folder.
  for (const c of circles(sameFolder.keys(), sameFolder)) {
    out.push({ rule: "circle", where: unitOf(c[0]!), detail: c.join(" <-> ") });
  }
  return out;
}
