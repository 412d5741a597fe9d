/**
 * Plan files: written atomically and fsync'd (the journal refers to them by
 * sha256), read back for recovery.
 *
 * @module
 */
import { dirname } from "node:path";
import { sweepTempFilesIn, writeFileAtomic } from "../fs/mod.ts";
import { sha256Hex } from "./_ops.ts";
import type { ApplyPlan } from "./types.ts";

/**
 * Write `plan` as JSON to `path` (temp + fsync + rename); returns its sha256.
 * Temp files of a plan write killed earlier (dead writer) are swept first.
 */
export async function writePlanFile(path: string, plan: ApplyPlan): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(plan, null, 1) + "\n");
  await Deno.mkdir(dirname(path), { recursive: true });
  await sweepTempFilesIn(dirname(path));
  await writeFileAtomic(path, bytes, { sync: true, mkdir: false });
  return sha256Hex(bytes);
}

/**
 * Read a plan file and its sha256 (unchecked: recover and rollback pass it
 * through `checkLoadedPlan` before acting on it).
 */
export function readPlanFile(path: string): { plan: ApplyPlan; sha256: string } {
  let bytes: Uint8Array;
  try {
    const info = Deno.lstatSync(path);
    if (!info.isFile) throw new TypeError(`"${path}" is not a regular file`);
    if (info.size > 512 * 1024 * 1024) throw new RangeError(`"${path}" is over 512 MB`);
    bytes = Deno.readFileSync(path);
  } catch (error) {
    throw new Error(`Cannot read plan "${path}": ${String(error)}`, { cause: error });
  }
  let plan: ApplyPlan;
  try {
    plan = JSON.parse(new TextDecoder().decode(bytes)) as ApplyPlan;
  } catch (error) {
    throw new SyntaxError(`Cannot read plan "${path}": it is not JSON`, { cause: error });
  }
  return { plan, sha256: sha256Hex(bytes) };
}
