/**
 * The repository's import graph, read from the source text (no type checker): every
 * `import … from`, `export … from`, side-effect `import "…"` and `import("…")` with a
 * literal relative specifier. Used by `architecture_test.ts` and `measure.ts`.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (two folders above this file). */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** One import of one file. */
export interface ImportEdge {
  /** Importing file, relative to the repo root, with `/`. */
  from: string;
  /** Imported file, relative to the repo root (relative specifiers only). */
  to: string;
  /** 1-based line of the import. */
  line: number;
  /** `import type` / `export type` (erased at run time). */
  typeOnly: boolean;
  /** `import("…")`. */
  dynamic: boolean;
  /** Named bindings taken (`{ a, type B }`), empty for `*`, default or side-effect imports. */
  names: string[];
}

/** Every `.ts` / `.tsx` / `.ipynb` file under `dirs` (relative to the repo root), sorted. */
export function listSources(dirs: readonly string[], root: string = REPO_ROOT): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(join(root, dir))];
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory) {
        if (e.name === "node_modules" || e.name === "static" || e.name.startsWith(".")) continue;
        walk(rel);
      } else if (e.isFile && /\.(tsx?|ipynb)$/.test(e.name)) out.push(rel);
    }
  };
  for (const d of dirs) walk(d);
  return out.sort();
}

const STATIC =
  /^\s*(import|export)\s+(type\s+)?([\s\S]*?)\s*from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /import\(\s*["']([^"']+)["']\s*\)/g;

/** Remove comments (block and line) so imports shown in doc examples do not count. */
export function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " "))
    .replace(/(^|[^:"'`\\])\/\/[^\n]*/g, "$1");
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function bindingNames(clause: string): string[] {
  const m = /\{([\s\S]*)\}/.exec(clause);
  if (!m) return [];
  return m[1]!.split(",").map((s) => s.trim()).filter((s) => s.length > 0)
    .map((s) => s.replace(/^type\s+/, "").split(/\s+as\s+/)[0]!.trim());
}

/** A file's code: a notebook's code cells joined, else the file's text. */
export function codeOf(file: string, root: string = REPO_ROOT): string {
  const text = Deno.readTextFileSync(join(root, file));
  if (!file.endsWith(".ipynb")) return text;
  const nb = JSON.parse(text) as { cells: { cell_type: string; source: string[] | string }[] };
  return nb.cells.filter((c) => c.cell_type === "code")
    .map((c) => Array.isArray(c.source) ? c.source.join("") : c.source).join("\n");
}

/** The relative imports of one file. */
export function importsOf(file: string, root: string = REPO_ROOT): ImportEdge[] {
  const text = stripComments(codeOf(file, root));
  const edges: ImportEdge[] = [];
  const add = (
    spec: string,
    index: number,
    typeOnly: boolean,
    dynamic: boolean,
    names: string[],
  ) => {
    if (!spec.startsWith(".")) return;
    const to = relative(root, resolve(root, dirname(file), spec)).split("\\").join("/");
    edges.push({ from: file, to, line: lineAt(text, index), typeOnly, dynamic, names });
  };
  for (const m of text.matchAll(STATIC)) {
    if (m[5] !== undefined) add(m[5], m.index!, false, false, []);
    else {
      const clause = m[3] ?? "";
      const allTypes = bindingNames(clause).length > 0 &&
        [...clause.matchAll(/[{,]\s*([^,}]+)/g)].every((b) => /^type\s/.test(b[1]!.trim()));
      add(m[4]!, m.index!, m[2] !== undefined || allTypes, false, bindingNames(clause));
    }
  }
  for (const m of text.matchAll(DYNAMIC)) add(m[1]!, m.index!, false, true, []);
  return edges;
}

/** The bare (package) specifiers a file imports, statically or dynamically, with their lines. */
export function packagesOf(
  file: string,
  root: string = REPO_ROOT,
): { spec: string; line: number }[] {
  const text = stripComments(codeOf(file, root));
  const out: { spec: string; line: number }[] = [];
  const add = (spec: string, index: number) => {
    if (!spec.startsWith(".") && !spec.startsWith("node:")) {
      out.push({
        spec: spec.replace(/^npm:\/?/, "").replace(/@[^/]*$/, ""),
        line: lineAt(text, index),
      });
    }
  };
  for (const m of text.matchAll(STATIC)) add(m[5] ?? m[4]!, m.index!);
  for (const m of text.matchAll(DYNAMIC)) add(m[1]!, m.index!);
  return out;
}

/** The names a `mod.ts` exports (`export { a, type B } from`, `export const/function/class …`). */
export function exportedNames(file: string, root: string = REPO_ROOT): string[] {
  const text = stripComments(Deno.readTextFileSync(join(root, file)));
  const names = new Set<string>();
  for (const m of text.matchAll(/^\s*export\s+(?:type\s+)?\{([\s\S]*?)\}/gm)) {
    for (const part of m[1]!.split(",")) {
      const p = part.trim().replace(/^type\s+/, "");
      if (p) names.add((p.split(/\s+as\s+/)[1] ?? p).trim());
    }
  }
  for (
    const m of text.matchAll(
      /^\s*export\s+(?:declare\s+)?(?:async\s+)?(?:const|let|function\*?|class|interface|type|enum|abstract\s+class)\s+([A-Za-z_$][\w$]*)/gm,
    )
  ) names.add(m[1]!);
  for (const m of text.matchAll(/^\s*export\s+\*\s+from\s+["']([^"']+)["']/gm)) {
    names.add(`* from ${m[1]}`);
  }
  return [...names].sort();
}

/** The unit an import crosses: `lib/<folder>` for lib, else the top folder (`tasks`, `tests`…). */
export function unitOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "lib") return parts.length > 2 ? `lib/${parts[1]}` : "lib";
  return parts[0]!;
}

/** Strongly connected components with more than one member (Tarjan). */
export function circles(nodes: Iterable<string>, edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out.sort((a, b) => a[0]!.localeCompare(b[0]!));
}
