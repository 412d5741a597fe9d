/**
 * New files of a run, prepared as fsync'd temp files beside their
 * destination: crops through lib/image's `cropToNewFile` (a new file, never an
 * overwrite) and companion copies. The executor then links them into place.
 *
 * @module
 */
import { cropEncoded, cropToNewFile, MAX_PIXELS } from "../image/mod.ts";
import { TreeChangedError } from "./_guard.ts";
import { removeIfPresent, sha256File, sha256Hex } from "./_ops.ts";
import type { PlanStep } from "./types.ts";

async function syncFile(path: string): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.sync();
  } finally {
    f.close();
  }
}

/**
 * Copy a step's source to `tmp` (create-new, fsync'd) after checking its
 * bytes still match the plan's sha256; returns that sha256.
 */
export async function copyToTemp(
  src: string,
  tmp: string,
  step: PlanStep,
  stale: boolean,
): Promise<string> {
  const info = await Deno.lstat(src);
  if (!info.isFile) throw new TreeChangedError(`Cannot copy "${step.source}": not a regular file`);
  const data = await Deno.readFile(src);
  if (sha256Hex(data) !== step.sha256) {
    throw new TreeChangedError(`Cannot copy "${step.source}": its content changed since the plan`);
  }
  if (stale) removeIfPresent(tmp);
  const f = await Deno.open(tmp, { write: true, createNew: true });
  try {
    let off = 0;
    while (off < data.length) off += await f.write(data.subarray(off));
    await f.sync();
  } finally {
    f.close();
  }
  return step.sha256;
}

/**
 * Write the crop of `src` to `tmp` (`stale`: after a crash, replacing a
 * left-over temp file), fsync it, and return its sha256. The source bytes are
 * read once and checked against the plan's sha256 before they are cropped.
 */
export async function cropToTemp(
  src: string,
  tmp: string,
  step: PlanStep,
  stale: boolean,
): Promise<string> {
  const bytes = await readVerified(src, step);
  if (stale) removeIfPresent(tmp);
  await cropToNewFile(src, tmp, step.box!, { bytes, minSide: 1, maxPixels: MAX_PIXELS });
  await syncFile(tmp);
  return sha256File(tmp);
}

/**
 * Whether `dest` holds exactly the crop keeper makes of `src` for this step
 * (the source must still hold the plan's bytes): a rollback removes a crop
 * only when it can be made again from the source, so no bytes are lost.
 */
export async function isCropOf(src: string, dest: string, step: PlanStep): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = await readVerified(src, step);
  } catch {
    return false;
  }
  const { out } = await cropEncoded(bytes, step.box!, { name: step.source, maxPixels: MAX_PIXELS });
  return sha256Hex(out.bytes) === sha256File(dest);
}

async function readVerified(src: string, step: PlanStep): Promise<Uint8Array> {
  const info = await Deno.lstat(src);
  if (!info.isFile) throw new TreeChangedError(`Cannot crop "${step.source}": not a regular file`);
  const bytes = await Deno.readFile(src);
  if (sha256Hex(bytes) !== step.sha256) {
    throw new TreeChangedError(`Cannot crop "${step.source}": its content changed since the plan`);
  }
  return bytes;
}
