/**
 * Types shared by every benchmark module (`lib/<folder>/_bench.ts`).
 *
 * @module
 */

/** Figures one benchmark reports (numbers, or nested objects of numbers). */
export type BenchFigures = Record<string, number | string | boolean | null>;

/** Options every benchmark receives. */
export interface BenchContext {
  /** A scratch folder that is removed after the run. */
  tmpDir: string;
  /** Smaller inputs for a quick smoke run (`--quick`). */
  quick: boolean;
  /** Progress/log line sink (stderr). */
  log: (line: string) => void;
}

/** One named benchmark. */
export interface Benchmark {
  /** Key in the `--json` object, e.g. `ingest_1m`. */
  name: string;
  /** One-line description. */
  description: string;
  /** Run and return figures. */
  run(ctx: BenchContext): Promise<BenchFigures>;
}
