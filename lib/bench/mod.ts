/**
 * Benchmark registry: types and discovery of `lib/<folder>/_bench.ts` files.
 *
 * @module
 */
export { discoverBenchmarks } from "./discover.ts";
export type { BenchContext, BenchFigures, Benchmark } from "./types.ts";
