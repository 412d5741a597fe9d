/**
 * The path and id conventions of decision files.
 *
 * Paths inside decision records are POSIX (`/`) and relative to the sandbox
 * root: the folder that holds `automation_decisions.jsonl` (by default
 * `<repo>/sandbox`). They are never absolute. A path starting with `../`
 * names a file outside the sandbox: it may be recorded (decide flags the group
 * `outside_sandbox`), but {@linkcode resolveDecisionPath} refuses it, so the
 * reviewer and apply can never touch it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** Options for {@linkcode resolveDecisionPath}. */
export interface ResolveDecisionPathOptions {
  /** Also resolve symbolic links (of the existing part of the path) and re-check. */
  followLinks?: boolean;
}

const defaults = { followLinks: true } satisfies Required<ResolveDecisionPathOptions>;

/**
 * The stable id of a group: `g_` + the first 16 hex digits of sha256 over its
 * members' content hashes, sorted and joined with `\n`. Same content → same
 * id, whatever the names, folders or order.
 *
 * @param sha256s The members' content hashes (hex).
 * @returns The id, e.g. `g_3f2a…` (18 characters).
 * @example
 * ```ts
 * const id = await groupIdOf(["ab…", "cd…"]);
 * ```
 */
export function groupIdOf(sha256s: readonly string[]): Promise<string> {
  return Promise.resolve(groupIdOfSync(sha256s));
}

/**
 * Synchronous {@linkcode groupIdOf} (no event-loop round trip per group).
 *
 * @param sha256s The members' content hashes (hex).
 * @returns The id.
 * @example
 * ```ts
 * groupIdOfSync(["ab…", "cd…"]);
 * ```
 */
export function groupIdOfSync(sha256s: readonly string[]): string {
  const text = [...sha256s].sort().join("\n");
  return `g_${createHash("sha256").update(text).digest("hex").slice(0, 16)}`;
}

/**
 * The decision-file form of a path: relative to `sandboxRoot`, with `/`.
 *
 * @param sandboxRoot The sandbox root folder.
 * @param path An absolute or cwd-relative file path.
 * @returns A relative POSIX path (starting with `../` when outside the root).
 * @example
 * ```ts
 * toDecisionPath("/repo/sandbox", "/repo/sandbox/in/a.png"); // "in/a.png"
 * ```
 */
export function toDecisionPath(sandboxRoot: string, path: string): string {
  const rel = relative(resolve(sandboxRoot), resolve(path));
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/**
 * Whether a decision path stays inside the sandbox root (lexically).
 *
 * @param decisionPath A path from a decision record.
 * @returns False for absolute paths and paths that climb out with `..`.
 * @example
 * ```ts
 * isInsideSandbox("in/a.png"); // true
 * isInsideSandbox("../data/a.png"); // false
 * ```
 */
export function isInsideSandbox(decisionPath: string): boolean {
  if (decisionPath === "" || isAbsolute(decisionPath) || /^[A-Za-z]:/.test(decisionPath)) {
    return false;
  }
  const parts = decisionPath.split(/[\\/]/);
  let depth = 0;
  for (const part of parts) {
    if (part === "..") depth--;
    else if (part !== "." && part !== "") depth++;
    if (depth < 0) return false;
  }
  return depth > 0;
}

/**
 * The absolute file path of a decision path, refusing anything outside the
 * sandbox root (absolute paths, `..` escapes, and — with `followLinks` —
 * symbolic links that lead out).
 *
 * @param sandboxRoot The sandbox root folder.
 * @param decisionPath A path from a decision record.
 * @param options Link policy.
 * @returns The absolute path.
 * @example
 * ```ts
 * resolveDecisionPath("/repo/sandbox", "in/a.png"); // "/repo/sandbox/in/a.png"
 * ```
 */
export function resolveDecisionPath(
  sandboxRoot: string,
  decisionPath: string,
  options: ResolveDecisionPathOptions = {},
): string {
  const opts = { ...defaults, ...options };
  if (!isInsideSandbox(decisionPath)) {
    throw new RangeError(
      `Cannot resolve "${decisionPath}": it is outside the sandbox root "${sandboxRoot}"`,
    );
  }
  const root = resolve(sandboxRoot);
  const abs = join(root, ...decisionPath.split("/"));
  if (opts.followLinks) {
    let realRoot = root;
    try {
      realRoot = Deno.realPathSync(root);
    } catch {
      return abs; // no root on disk: nothing to follow
    }
    // Walk up to the deepest existing ancestor and check where it really lives.
    let probe = abs;
    while (probe.length > root.length) {
      try {
        const real = Deno.realPathSync(probe);
        const rel = relative(realRoot, real);
        if (rel.startsWith("..") || isAbsolute(rel)) {
          throw new RangeError(
            `Cannot resolve "${decisionPath}": a link leads outside the sandbox root "${sandboxRoot}"`,
          );
        }
        break;
      } catch (error) {
        if (error instanceof RangeError) throw error;
        probe = resolve(probe, "..");
      }
    }
  }
  return abs;
}
