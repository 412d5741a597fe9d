/**
 * Benchmark registry: types and discovery of `tests/bench/<area>/_bench.ts` files.
 *
 * @module
 */
export { discoverBenchmarks } from "./discover.ts";
export type { BenchFigures, Benchmark } from "./types.ts";
