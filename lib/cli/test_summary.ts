/**
 * Parse the summary line of `deno test` (NO_COLOR) into counts.
 *
 * @module
 */

/** Counts of a test run. */
export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Read the last `ok | N passed | M failed [| K ignored]` line of `deno test`
 * output.
 *
 * @param output Captured stdout+stderr of `deno test`.
 * @returns The counts, or `undefined` when no summary line exists (the run crashed).
 * @example
 * ```ts
 * parseDenoTestSummary("ok | 3 passed | 0 failed (5ms)"); // {passed: 3, failed: 0, skipped: 0}
 * ```
 */
export function parseDenoTestSummary(output: string): TestCounts | undefined {
  const lines = output.split(/\r?\n/).filter((l) => /^(ok|FAILED) \| \d+ passed/.test(l));
  const line = lines.at(-1);
  if (line === undefined) return undefined;
  const num = (re: RegExp) => Number(re.exec(line)?.[1] ?? 0);
  return {
    passed: num(/(\d+) passed/),
    failed: num(/(\d+) failed/),
    skipped: num(/(\d+) ignored/),
  };
}
