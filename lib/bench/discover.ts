/**
 * Find benchmark modules: every `<dir>/<area>/_bench.ts` that exports
 * `benchmarks: Benchmark[]` (the project's live in `tests/bench/<area>/`, outside the product
 * code). New benchmarks need no edit here.
 *
 * @module
 */
import { join, resolve } from "node:path";
import type { Benchmark } from "./types.ts";

/**
 * Load all benchmarks under `benchDir`, sorted by name.
 *
 * @param benchDir The folder holding one sub-folder per area (`tests/bench` in this repo).
 * @returns The benchmarks.
 * @example
 * ```ts
 * const all = await discoverBenchmarks("tests/bench");
 * ```
 */
export async function discoverBenchmarks(benchDir: string): Promise<Benchmark[]> {
  const dir = resolve(benchDir);
  const found: Benchmark[] = [];
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) names.push(entry.name);
  }
  names.sort();
  for (const name of names) {
    const file = join(dir, name, "_bench.ts");
    try {
      await Deno.stat(file);
    } catch {
      continue;
    }
    const mod = await import(new URL(`file://${file}`).href) as { benchmarks?: Benchmark[] };
    if (!Array.isArray(mod.benchmarks)) {
      throw new TypeError(`Cannot load benchmarks: "${file}" does not export 'benchmarks'`);
    }
    found.push(...mod.benchmarks);
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
