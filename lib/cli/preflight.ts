/**
 * What `deno task test` needs outside Deno (a browser, Jupyter), found before
 * anything runs, so a machine without them stops at once with one line naming
 * the Debian packages and the command that installs them.
 *
 * @module
 */
import { delimiter, isAbsolute, join } from "node:path";

/** A program the test command runs, and the Debian package that provides it. */
export interface Requirement {
  /** Executable name looked up on PATH. */
  tool: string;
  /** Debian package(s) that install it. */
  packages: readonly string[];
  /** What needs it (for the message). */
  why: string;
  /** Environment variable naming the executable instead of a PATH lookup. */
  env?: string;
}

/** Environment variable naming the Chromium executable (default: `chromium` on PATH). */
export const CHROMIUM_ENV = "KEEPER_CHROMIUM";

/** What the full test command (browser tests and notebooks) needs; `.ci/packages.txt` lists the same. */
export const TEST_REQUIREMENTS: readonly Requirement[] = [
  { tool: "chromium", packages: ["chromium"], why: "browser tests", env: CHROMIUM_ENV },
  {
    tool: "jupyter",
    packages: ["jupyter-client", "python3-ipykernel"],
    why: "notebooks",
  },
  {
    tool: "jupyter-nbconvert",
    packages: ["jupyter-nbconvert", "python3-nbclient"],
    why: "notebooks",
  },
];

/** Options for {@linkcode findExecutable} and {@linkcode missingRequirements}. */
export interface FindOptions {
  /** Environment lookup; defaults to `Deno.env.get`. */
  env?: (name: string) => string | undefined;
}

const defaults = {
  env: (name: string): string | undefined => Deno.env.get(name),
} satisfies Required<FindOptions>;

function isExecutableFile(path: string): boolean {
  try {
    const st = Deno.statSync(path);
    return st.isFile && (st.mode === null || (st.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

/**
 * Find an executable on PATH (or at an absolute path).
 *
 * @param name A program name or an absolute path.
 * @param options Environment seam (PATH).
 * @returns The executable's path, or null.
 * @example
 * ```ts
 * findExecutable("deno"); // "/usr/bin/deno"
 * ```
 */
export function findExecutable(name: string, options: FindOptions = {}): string | null {
  const opts = { ...defaults, ...options };
  if (isAbsolute(name)) return isExecutableFile(name) ? name : null;
  for (const dir of (opts.env("PATH") ?? "").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return null;
}

/**
 * The Chromium the browser tests drive: `$KEEPER_CHROMIUM`, else `chromium` on PATH.
 *
 * @param options Environment seam.
 * @returns Its path, or null when there is none.
 * @example
 * ```ts
 * const exe = findChromium() ?? "not installed";
 * ```
 */
export function findChromium(options: FindOptions = {}): string | null {
  const opts = { ...defaults, ...options };
  const named = opts.env(CHROMIUM_ENV);
  return findExecutable(named !== undefined && named !== "" ? named : "chromium", opts);
}

/**
 * The requirements that are not met on this machine.
 *
 * @param requirements What to look for.
 * @param options Environment seam.
 * @returns The missing ones, in order.
 * @example
 * ```ts
 * missingRequirements(TEST_REQUIREMENTS).map((r) => r.tool);
 * ```
 */
export function missingRequirements(
  requirements: readonly Requirement[],
  options: FindOptions = {},
): Requirement[] {
  const opts = { ...defaults, ...options };
  return requirements.filter((r) => {
    const named = r.env === undefined ? undefined : opts.env(r.env);
    return findExecutable(named !== undefined && named !== "" ? named : r.tool, opts) === null;
  });
}

/**
 * One line saying what is missing, which Debian packages provide it and how to install them.
 *
 * @param missing The unmet requirements (non-empty).
 * @returns The line (no trailing newline).
 * @example
 * ```ts
 * missingLine(missingRequirements(TEST_REQUIREMENTS));
 * ```
 */
export function missingLine(missing: readonly Requirement[]): string {
  const packages = [...new Set(missing.flatMap((r) => r.packages))];
  const what = missing.map((r) => `${r.tool} (${r.why})`).join(", ");
  return `Cannot run the tests: ${what} not found; install with ` +
    `\`sudo apt-get install -y ${packages.join(" ")}\` (or run .ci/run, which installs ` +
    `.ci/packages.txt)${
      missing.some((r) => r.env) ? `; ${CHROMIUM_ENV}=<path> names a browser elsewhere` : ""
    }`;
}
