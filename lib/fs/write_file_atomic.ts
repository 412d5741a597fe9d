/**
 * Replace a file atomically: write a temp file in the same folder, then rename it over the
 * target, so a reader sees the old file or the whole new one, never half of it.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** Options for {@linkcode writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Flush the temp file before the rename and the folder after it, so the new file survives a
   * power cut (decision files, apply plans). Off for caches that can be rebuilt.
   */
  sync?: boolean;
  /** Create the target's folder first. */
  mkdir?: boolean;
}

/** Defaults of {@linkcode writeFileAtomic}. */
export const writeFileAtomicDefaults = {
  sync: false,
  mkdir: true,
} as const satisfies Required<WriteFileAtomicOptions>;

/** Flush a folder's entries (a rename inside it) to disk, where the platform allows. */
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

/**
 * Write `data` to `path` through a temp file (`.<name>.<pid>.<8 hex>.tmp` beside it) and a rename.
 * `data` may be a function that writes the temp file itself (an encoder that writes to a path).
 * On failure the temp file is removed and the error rethrown; the target is untouched.
 *
 * @param path The file to create or replace.
 * @param data Bytes, text, or a writer called with the temp path.
 * @param options `sync`, `mkdir`.
 * @returns Nothing.
 * @example
 * ```ts
 * await writeFileAtomic("out/report.json", JSON.stringify({ ok: true }));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string | ((tmp: string) => Promise<void>),
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const opts = { ...writeFileAtomicDefaults, ...options };
  const dir = dirname(path);
  if (opts.mkdir) await Deno.mkdir(dir, { recursive: true });
  // `.<name>.<pid>.<8 hex>.tmp`: the pid tells a sweeper a dead writer's leftover from a live
  // writer's file (sweep_temp_files.ts).
  const tmp = join(dir, `.${basename(path)}.${Deno.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`);
  try {
    if (typeof data === "function") {
      await data(tmp);
      if (opts.sync) await syncFile(tmp);
    } else {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      const file = await Deno.open(tmp, { write: true, createNew: true });
      try {
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        if (opts.sync) await file.sync();
      } finally {
        file.close();
      }
    }
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
  if (opts.sync) syncDir(dir);
}

async function syncFile(path: string): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.sync();
  } finally {
    f.close();
  }
}
