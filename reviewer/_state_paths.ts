/**
 * The reviewer's own state files and folders (review database and its
 * `-wal`/`-shm`/`-journal`, the approved file, the thumbnail folder) are
 * checked before they are opened or written: none may be a link, and each
 * must resolve inside the sandbox. A planted `review_state.sqlite ->
 * /outside/x` would otherwise make SQLite create and write files there.
 *
 * @module
 */
import { dirname, isAbsolute, relative } from "node:path";

/** A state file or folder keeper refuses to use. */
export class StatePathError extends Error {
  /** The refused path. */
  readonly path: string;
  /**
   * @param path The refused path.
   * @param message "Cannot use …: …".
   */
  constructor(path: string, message: string) {
    super(message);
    this.name = "StatePathError";
    this.path = path;
  }
}

/** Options for {@linkcode assertStatePath}. */
export interface AssertStatePathOptions {
  /** What the path is, for the message ("review state file"). */
  what?: string;
  /** A file (refused when a folder, a FIFO or hard-linked) or a folder. */
  kind?: "file" | "dir";
}

const defaults = { what: "state file", kind: "file" } satisfies Required<AssertStatePathOptions>;

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Real path of the nearest existing ancestor (the path itself when it exists). */
async function realAncestor(path: string): Promise<string> {
  let probe = path;
  for (;;) {
    try {
      return await Deno.realPath(probe);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      const up = dirname(probe);
      if (up === probe) throw error;
      probe = up;
    }
  }
}

/**
 * Refuse a state path that is a symbolic link, is not the expected kind
 * (a folder where a file belongs, a FIFO, a file with other hard links), or
 * whose folder resolves outside the sandbox. A missing path is fine (it
 * will be created) when its nearest existing folder is inside.
 *
 * @param sandboxRoot The sandbox root.
 * @param path The state file or folder.
 * @param options What it is (for the message) and its kind.
 * @throws {StatePathError} Naming the path and the reason.
 * @example
 * ```ts
 * await assertStatePath("sandbox", "sandbox/review_state.sqlite", { what: "review state file" });
 * ```
 */
export async function assertStatePath(
  sandboxRoot: string,
  path: string,
  options: AssertStatePathOptions = {},
): Promise<void> {
  const { what } = { ...defaults, ...options };
  await assertNoLink(path, options);
  const root = await Deno.realPath(sandboxRoot);
  const parent = await realAncestor(dirname(path));
  if (!isInside(root, parent)) {
    throw new StatePathError(
      path,
      `Cannot use ${what} "${path}": its folder "${parent}" is outside the sandbox "${root}"`,
    );
  }
}

/**
 * The first half of {@linkcode assertStatePath}: refuse a path that is a
 * link or not the expected kind (a missing path passes).
 *
 * @param path The state file or folder.
 * @param options What it is (for the message) and its kind.
 * @throws {StatePathError} Naming the path and the reason.
 * @example
 * ```ts
 * await assertNoLink("sandbox/.thumbs", { what: "thumbnail folder", kind: "dir" });
 * ```
 */
export async function assertNoLink(
  path: string,
  options: AssertStatePathOptions = {},
): Promise<void> {
  const { what, kind } = { ...defaults, ...options };
  const fail = (why: string): never => {
    throw new StatePathError(path, `Cannot use ${what} "${path}": ${why}`);
  };
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (info.isSymlink) fail("it is a symbolic link (keeper never writes through links; remove it)");
  if (kind === "dir" && !info.isDirectory) fail("it is not a folder");
  if (kind === "file" && !info.isFile) fail("it is not a regular file");
  if (kind === "file" && (info.nlink ?? 1) > 1) {
    fail(`it has ${info.nlink} hard links (writing it would change the other copies too)`);
  }
}

/** SQLite's companion files of a database: the ones it creates and writes beside it. */
export function sqliteCompanions(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`];
}
