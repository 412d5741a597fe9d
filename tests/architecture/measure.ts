/**
 * `deno run -A tests/architecture/measure.ts [--json]`: the structural counts of issue #20 —
 * lines in lib/, names exported by lib/*\/mod.ts (and how many other folders use), import
 * circles between lib folders and between files of one folder, and the modules
 * `deno task ingest` loads (`deno info --json tasks/ingest.ts`).
 *
 * @module
 */
import { circles, exportedNames, importsOf, listSources, REPO_ROOT, unitOf } from "./_graph.ts";

const isTest = (f: string) => /_test\.tsx?$/.test(f);
const isBench = (f: string) => /\/_bench[^/]*\.ts$/.test(f);

const lib = listSources(["lib"]);
const lines = (fs: string[]) =>
  fs.reduce((n, f) => n + Deno.readTextFileSync(`${REPO_ROOT}/${f}`).split("\n").length - 1, 0);
const product = lib.filter((f) => !isTest(f) && !isBench(f));

const all = listSources(["lib", "tasks", "reviewer", "tests", "notebooks"]);
const edges = all.flatMap((f) => importsOf(f));

// Exported names and which of them another folder (or tasks/reviewer/tests) imports by name.
const mods = lib.filter((f) => /^lib\/[^/]+\/mod\.ts$/.test(f));
let exported = 0;
let usedOutside = 0;
const perMod: Record<string, { exported: number; usedOutside: number }> = {};
for (const m of mods) {
  const names = exportedNames(m);
  const used = new Set(
    edges.filter((e) => e.to === m && unitOf(e.from) !== unitOf(m)).flatMap((e) => e.names),
  );
  const u = names.filter((n) => used.has(n)).length;
  exported += names.length;
  usedOutside += u;
  perMod[m] = { exported: names.length, usedOutside: u };
}

function folderCircles(filter: (f: string) => boolean): string[][] {
  const g = new Map<string, Set<string>>();
  const nodes = new Set<string>();
  for (const e of edges) {
    if (!e.from.startsWith("lib/") || !e.to.startsWith("lib/") || !filter(e.from)) continue;
    const a = unitOf(e.from), b = unitOf(e.to);
    nodes.add(a).add(b);
    if (a !== b) g.set(a, (g.get(a) ?? new Set()).add(b));
  }
  return circles(nodes, g);
}

function fileCircles(filter: (f: string) => boolean): string[][] {
  const g = new Map<string, Set<string>>();
  const nodes = new Set<string>();
  for (const e of edges) {
    if (!e.from.startsWith("lib/") || !filter(e.from) || !filter(e.to)) continue;
    if (unitOf(e.from) !== unitOf(e.to) || e.to.endsWith("/mod.ts")) continue;
    nodes.add(e.from).add(e.to);
    g.set(e.from, (g.get(e.from) ?? new Set()).add(e.to));
  }
  return circles(nodes, g);
}

const everything = () => true;
const productOnly = (f: string) => !isTest(f) && !isBench(f);

const info = new Deno.Command(Deno.execPath(), {
  args: ["info", "--json", "tasks/ingest.ts"],
  cwd: REPO_ROOT,
  stdout: "piped",
  stderr: "null",
}).outputSync();
const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
  modules: { specifier: string }[];
};
const ingestLocal = graph.modules.filter((m) => m.specifier.startsWith("file://")).length;
const ingestNpm = graph.modules.filter((m) => m.specifier.startsWith("npm:"))
  .map((m) => m.specifier.replace(/^npm:\/?/, ""));

const result = {
  lib_files: lib.length,
  lib_lines: lines(lib),
  lib_product_lines: lines(product),
  lib_test_lines: lines(lib.filter(isTest)),
  lib_bench_lines: lines(lib.filter(isBench)),
  mod_files: mods.length,
  mod_exported_names: exported,
  mod_names_used_outside_folder: usedOutside,
  lib_folder_circles: folderCircles(everything),
  lib_folder_circles_product: folderCircles(productOnly),
  in_folder_circles: fileCircles(everything),
  in_folder_circles_product: fileCircles(productOnly),
  ingest_local_modules: ingestLocal,
  ingest_npm_packages: ingestNpm,
};
if (Deno.args.includes("--json")) console.log(JSON.stringify({ ...result, per_mod: perMod }));
else {
  for (const [k, v] of Object.entries(result)) {
    console.log(`${k}: ${Array.isArray(v) ? `${v.length} ${JSON.stringify(v)}` : v}`);
  }
  if (Deno.args.includes("--per-mod")) {
    for (const [m, c] of Object.entries(perMod)) {
      console.log(`  ${m}: ${c.exported} exported, ${c.usedOutside} used outside`);
    }
  }
}
