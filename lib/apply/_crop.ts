/**
 * Crops go through lib/image's `cropToNewFile` (a new file, never an
 * overwrite) into a temp name beside the destination; the executor fsyncs
 * it, journals its sha256, then links it into place.
 *
 * @module
 */
import { cropToNewFile } from "../image/mod.ts";
import type { Box } from "../types.ts";
import { removeIfPresent, sha256File } from "./_ops.ts";

/**
 * Write the crop of `src` to `tmp` (replacing a stale temp file), fsync it,
 * and return its sha256.
 */
export async function cropToTemp(src: string, tmp: string, box: Box): Promise<string> {
  removeIfPresent(tmp);
  await cropToNewFile(src, tmp, box);
  const f = Deno.openSync(tmp, { read: true, write: true });
  try {
    f.syncSync();
  } finally {
    f.close();
  }
  return sha256File(tmp);
}
