/**
 * New files of a run, prepared as fsync'd temp files beside their
 * destination: crops through lib/image's `cropToNewFile` (a new file, never an
 * overwrite) and companion copies. The executor then links them into place.
 *
 * @module
 */
import { cropToNewFile } from "../image/mod.ts";
import type { Box } from "../types.ts";
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
  const data = await Deno.readFile(src);
  if (sha256Hex(data) !== step.sha256) {
    throw new Error(`Cannot copy "${step.source}": its content changed since the plan`);
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
 * Write the crop of `src` to `tmp` (`stale`: after a crash, replacing a left-over temp file), fsync it,
 * and return its sha256.
 */
export async function cropToTemp(
  src: string,
  tmp: string,
  box: Box,
  stale: boolean,
): Promise<string> {
  if (stale) removeIfPresent(tmp);
  await cropToNewFile(src, tmp, box);
  await syncFile(tmp);
  return sha256File(tmp);
}
