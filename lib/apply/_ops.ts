/**
 * Crash-safe, never-overwriting file primitives. A move is `link` (fails when
 * the destination exists) then `unlink`; new content is written to a temp
 * file in the destination folder, fsync'd, then linked into place, so a
 * destination is either absent or complete.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { TreeChangedError } from "./_guard.ts";

/** Temp-file prefix; anything named like this is a partial file of keeper. */
export const TMP_PREFIX = ".keeper-tmp-";

/** sha256 (hex) of bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** sha256 (hex) of a file's bytes. */
export function sha256File(path: string): string {
  return sha256Hex(Deno.readFileSync(path));
}

/** Whether a path exists (without following a final symlink). */
export function lexists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Names in a folder as a set (empty when the folder does not exist): one
 * readdir instead of a failing stat per absent file.
 */
export function namesIn(dir: string): Set<string> {
  try {
    return new Set([...Deno.readDirSync(dir)].map((e) => e.name));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Set();
    throw error;
  }
}

/** `lexists` through a cache of {@linkcode namesIn} per folder. */
export function cachedExists(cache: Map<string, Set<string>>, path: string): boolean {
  const dir = dirname(path);
  let names = cache.get(dir);
  if (names === undefined) {
    names = namesIn(dir);
    cache.set(dir, names);
  }
  return names.has(basename(path));
}

/** The temp path used while writing `dest` for step `tag`. */
export function tmpPathFor(dest: string, tag: string): string {
  return join(dirname(dest), `${TMP_PREFIX}${tag}-${basename(dest)}`);
}

/** Remove a file if present; true when something was removed. */
export function removeIfPresent(path: string): boolean {
  try {
    Deno.removeSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** A crash-point callback (tests use it to kill the process at exact moments). */
export type FaultHook = (point: string) => void;

/**
 * Move `src` to `dest` without ever overwriting (throws `AlreadyExists` when
 * `dest` exists), verifying what moves: after the link, the new name must
 * hold bytes with `sha256` and `src` must still name the same file;
 * otherwise nothing moves and a {@linkcode TreeChangedError} is thrown.
 * Falls back to copy + link + unlink across file systems.
 */
export function moveVerified(
  src: string,
  dest: string,
  sha256: string,
  tag: string,
  hook?: FaultHook,
): void {
  const info = Deno.lstatSync(src);
  if (!info.isFile) {
    throw new TreeChangedError(`Cannot move "${src}": it is no longer a regular file`);
  }
  try {
    Deno.linkSync(src, dest);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    if (!isCrossDevice(error)) throw error;
    const bytes = Deno.readFileSync(src);
    if (sha256Hex(bytes) !== sha256) {
      throw new TreeChangedError(`Cannot move "${src}": its content changed since the plan`);
    }
    writeNewFile(dest, bytes, tag, hook);
    hook?.("move:linked");
    Deno.removeSync(src);
    return;
  }
  const same = sameInode(src, dest);
  if (!same || sha256File(dest) !== sha256) {
    // Our new name is only a second link to src's file: dropping it loses nothing.
    if (same) Deno.removeSync(dest);
    throw new TreeChangedError(
      `Cannot move "${src}": ${same ? "its content changed since the plan" : "it was replaced"}`,
    );
  }
  hook?.("move:linked");
  Deno.removeSync(src);
}

/** Whether two paths name the same file (same device and inode, links not followed). */
export function sameInode(a: string, b: string): boolean {
  try {
    const x = Deno.lstatSync(a);
    const y = Deno.lstatSync(b);
    return x.ino !== null && x.ino === y.ino && x.dev === y.dev;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

function isCrossDevice(error: unknown): boolean {
  return error instanceof Error && /EXDEV|cross-device/i.test(String(error.message));
}

/**
 * Write `bytes` as a NEW file `dest`: temp file, fsync, link into place
 * (throws `AlreadyExists` when `dest` exists), remove the temp name.
 */
export function writeNewFile(dest: string, bytes: Uint8Array, tag: string, hook?: FaultHook): void {
  const tmp = tmpPathFor(dest, tag);
  removeIfPresent(tmp); // left by a crash: never ours to keep
  const file = Deno.openSync(tmp, { write: true, createNew: true });
  try {
    let off = 0;
    while (off < bytes.length) {
      off += file.writeSync(bytes.subarray(off, Math.min(bytes.length, off + (1 << 20))));
      if (off < bytes.length) hook?.("write:partial");
    }
    file.syncSync();
  } finally {
    file.close();
  }
  hook?.("write:tmp_synced");
  linkTempIntoPlace(tmp, dest, hook);
}

/** Link a complete temp file to `dest` (throws `AlreadyExists`), then drop the temp name. */
export function linkTempIntoPlace(tmp: string, dest: string, hook?: FaultHook): void {
  try {
    Deno.linkSync(tmp, dest);
  } finally {
    hook?.("write:linked");
    removeIfPresent(tmp);
  }
}

/** fsync a folder so new or removed names in it are durable. */
export function syncDir(dir: string): void {
  try {
    const f = Deno.openSync(dir, { read: true });
    try {
      f.syncSync();
    } finally {
      f.close();
    }
  } catch {
    // Some platforms cannot open folders; names are still durable on SIGKILL.
  }
}
