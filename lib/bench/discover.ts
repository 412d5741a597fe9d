/**
 * Find benchmark modules: every `lib/<folder>/_bench.ts` that exports
 * `benchmarks: Benchmark[]`. New benchmarks need no edit here.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Benchmark } from "./types.ts";

/**
 * Load all benchmarks under `lib/`, sorted by name.
 *
 * @param libDir The `lib/` folder (defaults to this repo's).
 * @returns The benchmarks.
 * @example
 * ```ts
 * const all = await discoverBenchmarks();
 * ```
 */
export async function discoverBenchmarks(
  libDir: string = fileURLToPath(new URL("..", import.meta.url)),
): Promise<Benchmark[]> {
  const found: Benchmark[] = [];
  const names: string[] = [];
  for await (const entry of Deno.readDir(libDir)) {
    if (entry.isDirectory) names.push(entry.name);
  }
  names.sort();
  for (const name of names) {
    const file = join(libDir, name, "_bench.ts");
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
