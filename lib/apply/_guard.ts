/**
 * Checks made at the moment of acting: a plan path is re-resolved under the
 * real sandbox root with no link anywhere on the way, and what moves is
 * verified by content. Nothing read from disk (plans, journals) is trusted.
 *
 * @module
 */
import { join } from "node:path";

/** Allowed run ids (they become file names). */
export const RUN_ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

/**
 * Throw unless `runId` matches {@linkcode RUN_ID_PATTERN} (so it can never name a path elsewhere).
 *
 * @param runId A run id from the command line, a journal name or a plan.
 * @param action What was being done, for the message.
 * @returns The run id.
 * @example
 * ```ts
 * checkRunId("20261127_123000_9f3a", "roll back");
 * ```
 */
export function checkRunId(runId: unknown, action: string): string {
  if (typeof runId !== "string" || !RUN_ID_PATTERN.test(runId) || runId.includes("..")) {
    throw new RangeError(
      `Cannot ${action}: run id "${String(runId)}" is not a run id ` +
        `(letters, digits, "_", "-", "." as in 20261127_123000_9f3a; never a path)`,
    );
  }
  return runId;
}

/** The tree changed since planning (or a path is unsafe): nothing more may move. */
export class TreeChangedError extends Error {
  override name = "TreeChangedError";
}

/**
 * Why a plan-relative path is unusable (`null` when fine): it must be
 * relative, POSIX, without `.`/`..`/empty segments, backslashes or NUL.
 */
export function relPathProblem(rel: unknown): string | null {
  if (typeof rel !== "string" || rel === "") return "is empty";
  if (rel.length > 4096) return "is too long";
  if (rel.startsWith("/") || /^[A-Za-z]:/.test(rel)) return "is absolute";
  if (/[\\\0]/.test(rel)) return "contains a backslash or NUL";
  const parts = rel.split("/");
  if (parts.includes("..")) return 'contains ".."';
  if (parts.some((p) => p === "" || p === ".")) return 'has an empty or "." segment';
  return null;
}

/**
 * The absolute path of `rel` under `root` after checking that every folder
 * between them exists and is a real folder (not a link). The last component
 * itself is not checked (callers lstat it).
 *
 * @param root The real path of the sandbox root.
 * @param rel A plan-relative POSIX path.
 * @param options `missingOk`: stop quietly at the first missing folder (preflight).
 * @returns The absolute path.
 * @example
 * ```ts
 * guardedPath("/real/sandbox", "incoming/a.png"); // "/real/sandbox/incoming/a.png"
 * ```
 */
export function guardedPath(
  root: string,
  rel: string,
  options: { missingOk?: boolean } = {},
): string {
  const why = relPathProblem(rel);
  if (why !== null) throw new TreeChangedError(`Cannot use path "${rel}": it ${why}`);
  const parts = rel.split("/");
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        if (options.missingOk) break;
        throw new TreeChangedError(`Cannot use "${rel}": folder "${dir}" is missing`);
      }
      throw error;
    }
    if (info.isSymlink) {
      throw new TreeChangedError(
        `Cannot use "${rel}": "${dir}" is a link (links are never followed)`,
      );
    }
    if (!info.isDirectory) {
      throw new TreeChangedError(`Cannot use "${rel}": "${dir}" is not a folder`);
    }
  }
  return join(root, ...parts);
}

/** Check that the sandbox root still is the real folder the run resolved. */
export function checkRoot(root: string): void {
  let real: string;
  try {
    real = Deno.realPathSync(root);
  } catch (error) {
    throw new TreeChangedError(`Cannot act: sandbox root "${root}" is gone`, { cause: error });
  }
  if (real !== root) {
    throw new TreeChangedError(`Cannot act: sandbox root "${root}" now resolves to "${real}"`);
  }
}
