/**
 * Group files on disk: writing one rendered group (companions, then PNGs
 * renamed into place) and checking whether an interrupted run already did.
 * Shared by simulate.ts and the render worker.
 *
 * @module
 */
import { encodeRaw, type RawImage } from "../image/mod.ts";
import { companions } from "./_write.ts";
import type { GroupPlan } from "./types.ts";
import { writeFileAtomic } from "../fs/mod.ts";

/** True when `path` exists. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Write one rendered group (companions first, each PNG renamed into place last); returns its folder. */
export async function writeGroup(
  out: string,
  g: GroupPlan,
  images: RawImage[],
  level: number,
): Promise<string> {
  const dir = groupDir(g);
  await Deno.mkdir(`${out}/${dir}`, { recursive: true });
  // Encode every member at once (sharp works off the JS thread), companions first and
  // each PNG renamed into place last, so a complete PNG set means a complete group.
  await Promise.all(g.members.map(async (m, i) => {
    const img = images[i]!;
    const text = companions(g, m, i);
    const stem = `${out}/${dir}/${m.filename.replace(/\.png$/, "")}`;
    if (m.companions.yaml) await Deno.writeTextFile(`${stem}.yaml`, text.yaml);
    if (m.companions.caption) await Deno.writeTextFile(`${stem}.caption`, text.caption);
    if (m.companions.txt) await Deno.writeTextFile(`${stem}.txt`, text.txt);
    const path = `${out}/${dir}/${m.filename}`;
    await writeFileAtomic(path, await encodeRaw(img, { compressionLevel: level }), {
      mkdir: false,
    });
  }));
  return dir;
}

/** Folder of a group, relative to the output root. */
export function groupDir(g: GroupPlan): string {
  return `${g.split === "logged" ? "images" : "heldout"}/${g.project}/${g.character}`;
}

/** True when every PNG of `g` is already in place (written by an interrupted run). */
export async function groupWritten(out: string, g: GroupPlan): Promise<boolean> {
  for (const m of g.members) {
    if (!(await exists(`${out}/${groupDir(g)}/${m.filename}`))) return false;
  }
  return true;
}
