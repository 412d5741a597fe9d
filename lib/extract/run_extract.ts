/**
 * `runExtract()`: extract a project's history and check its label coverage (what
 * `deno task extract` does).
 *
 * @module
 */
import { type Coverage, coverageErrors } from "../eval/mod.ts";
import { extractCoverage } from "./extract_coverage.ts";
import { extractHistory } from "./extract_history.ts";
import type { ExtractReport } from "./types.ts";

/** Options for {@linkcode runExtract}. */
export interface RunExtractOptions {
  /** The project id. */
  project?: string;
  /** Logs folder written; null writes nothing. */
  outDir?: string | null;
  /** Label kinds (extraction, crop) allowed to end with 0 usable examples. */
  allowEmpty?: readonly string[];
  /** Called after each group. */
  onProgress?: (done: number, total: number) => void;
}

const defaults = {
  project: "",
  outDir: null,
  allowEmpty: [] as readonly string[],
  onProgress: () => {},
} satisfies Required<RunExtractOptions>;

/** What {@linkcode runExtract} found. */
export interface RunExtractResult {
  report: ExtractReport;
  /** Labels found against the raw folder, per kind. */
  coverage: Coverage;
  /** One line per label kind with labels but 0 usable examples (and not allowed to be empty). */
  errors: string[];
}

/**
 * Rebuild a project's selection and crop logs from its raw and final folders
 * ({@linkcode extractHistory}) and tally what was found as label coverage. Coverage errors are
 * returned, not thrown, so the caller can print the report first.
 *
 * @param rawDir The raw folder (every stage image).
 * @param finalDir The final folder (delivered images, searched recursively).
 * @param options Project id, output folder, kinds allowed to be empty, progress.
 * @returns The report, its coverage and the coverage errors.
 * @example
 * ```ts
 * const { report, errors } = await runExtract("mojo1_raw", "mojo1_final", {
 *   project: "mojo1",
 *   outDir: "data/extracted/mojo1",
 * });
 * if (errors.length > 0) console.error(errors.join("\n"));
 * console.log(report.groups);
 * ```
 */
export async function runExtract(
  rawDir: string,
  finalDir: string,
  options: RunExtractOptions = {},
): Promise<RunExtractResult> {
  const opts = { ...defaults, ...options };
  const { report } = await extractHistory(rawDir, finalDir, {
    project: opts.project,
    outDir: opts.outDir,
    onProgress: opts.onProgress,
  });
  const coverage = extractCoverage(report);
  const errors = coverageErrors(coverage, { allowEmpty: opts.allowEmpty, command: "extract" });
  return { report, coverage, errors };
}
