/**
 * The one wrapper every `tasks/*.ts` uses: runs the task body, prints errors
 * (with the cause chain under `--verbose`) and sets the exit code.
 *
 * @module
 */
import { HelpShown } from "./flags.ts";

/** Options for {@linkcode runTask}. */
export interface RunTaskOptions {
  /** Print the full cause chain and stacks on failure. */
  verbose?: boolean;
  /** Where error text goes; defaults to stderr. */
  writeError?: (line: string) => void;
}

const defaults = {
  verbose: false,
  writeError: (line: string) => console.error(line),
} satisfies Required<RunTaskOptions>;

/**
 * Describe an error and its `cause` chain, one line per link.
 *
 * @param error The thrown value.
 * @param verbose Include stack traces.
 * @returns Lines of text.
 * @example
 * ```ts
 * describeError(new Error("a", { cause: new Error("b") }), false); // ["a", "caused by: b"]
 * ```
 */
export function describeError(error: unknown, verbose: boolean): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  let depth = 0;
  while (current !== undefined && depth < 10) {
    const prefix = depth === 0 ? "" : "caused by: ";
    if (current instanceof Error) {
      lines.push(prefix + (verbose && current.stack ? current.stack : current.message));
      current = current.cause;
    } else {
      lines.push(prefix + String(current));
      current = undefined;
    }
    depth++;
  }
  return lines;
}

/**
 * Run a task body; on failure print "error: <message>" (cause chain with
 * `--verbose`) and exit with code 1. The body's numeric return is the exit code.
 *
 * @param body The task's work.
 * @param options Verbosity and error sink.
 * @returns The exit code that was set.
 * @example
 * ```ts
 * await runTask(async () => { console.log("hi"); return 0; });
 * ```
 */
export async function runTask(
  body: () => Promise<number | void>,
  options: RunTaskOptions = {},
): Promise<number> {
  const opts = { ...defaults, ...options };
  const verbose = options.verbose ?? Deno.args.includes("--verbose");
  let code = 0;
  try {
    code = (await body()) ?? 0;
  } catch (error) {
    if (error instanceof HelpShown) {
      // --help printed the task's help: that is a successful run.
      Deno.exitCode = 0;
      return 0;
    }
    const lines = describeError(error, verbose);
    opts.writeError(`error: ${lines[0] ?? "unknown error"}`);
    for (const line of lines.slice(1)) opts.writeError(`  ${line}`);
    if (!verbose && lines.length > 1) opts.writeError("  (run with --verbose for details)");
    code = 1;
  }
  Deno.exitCode = code;
  return code;
}
