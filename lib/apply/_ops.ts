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
 * Move `src` to `dest` without ever overwriting: throws `AlreadyExists` when
 * `dest` exists. Falls back to copy + link + unlink across file systems.
 */
export function moveNoClobber(src: string, dest: string, tag: string, hook?: FaultHook): void {
  try {
    Deno.linkSync(src, dest);
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw error;
    if (!isCrossDevice(error)) throw error;
    writeNewFile(dest, Deno.readFileSync(src), tag, hook);
  }
  hook?.("move:linked");
  Deno.removeSync(src);
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
