/**
 * The rules every apply folder obeys, shared by planning and by recover /
 * rollback (which re-check a plan read from disk): a plain relative path
 * inside the sandbox, no link on the way, and no folder equal to or inside
 * another (outputs never land in keeper's own plans, journal or logs).
 *
 * @module
 */
import { join } from "node:path";
import { relPathProblem } from "./_guard.ts";
import type { ApplyFolders } from "./types.ts";

/** Folders that receive the creator's files. */
export const OUTPUT_KEYS = [
  "selected",
  "cropped",
  "uncropped",
  "manualCrop",
  "notSelected",
] as const;

/** keeper's own bookkeeping folders. */
export const OWN_KEYS = ["plans", "journal", "logs"] as const;

/** Other names keeper itself keeps at the sandbox root (reviewer state, decision files). */
export const RESERVED_NAMES: readonly string[] = Object.freeze([
  ".thumbs",
  "approved_decisions.jsonl",
  "automation_decisions.jsonl",
  "review_state.sqlite",
]);

/** One folder that cannot be used. */
export interface FolderProblem {
  key: string;
  message: string;
}

function inside(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`);
}

/**
 * Every problem of `folders` under the real sandbox root `root` (empty: all fine).
 *
 * @param root Real path of the sandbox root.
 * @param folders The folders to check.
 * @returns Problems, each naming the folder key and why.
 * @example
 * ```ts
 * import { DEFAULT_FOLDERS } from "./plan_apply.ts";
 * folderProblems("/real/sandbox", { ...DEFAULT_FOLDERS, selected: "journal" }); // 1 problem
 * ```
 */
export function folderProblems(root: string, folders: ApplyFolders): FolderProblem[] {
  const out: FolderProblem[] = [];
  const entries = Object.entries(folders) as [keyof ApplyFolders, unknown][];
  const bad = new Set<string>();
  for (const [key, value] of entries) {
    const why = relPathProblem(value);
    if (why !== null) {
      out.push({
        key,
        message: `Cannot use folder ${key}="${String(value)}": it ${why}; ` +
          `it must be a relative path inside the sandbox root (e.g. ${key}=out/${key})`,
      });
      bad.add(key);
      continue;
    }
    const v = value as string;
    const first = v.split("/")[0]!;
    if (RESERVED_NAMES.includes(first)) {
      out.push({
        key,
        message: `Cannot use folder ${key}="${v}": "${first}" is keeper's own (reviewer state ` +
          `or decision file); choose another name`,
      });
      bad.add(key);
    }
  }
  for (let i = 0; i < entries.length; i++) {
    for (let j = 0; j < entries.length; j++) {
      if (i === j) continue;
      const [ka, va] = entries[i]!;
      const [kb, vb] = entries[j]!;
      if (bad.has(ka) || bad.has(kb)) continue;
      const a = va as string, b = vb as string;
      if (a === b && i > j) continue; // reported once, from the first of the pair
      if (!inside(a, b)) continue;
      const own = (OWN_KEYS as readonly string[]).includes(kb);
      out.push({
        key: ka,
        message: `Cannot use folder ${ka}="${a}": it ${a === b ? "is" : "is inside"} ` +
          `${own ? "keeper's own " : ""}folder ${kb}="${b}"; every apply folder must be ` +
          `separate (pass --folder ${ka}=<another name>)`,
      });
    }
  }
  for (const [key, value] of entries) {
    if (bad.has(key)) continue;
    const why = linkOnTheWay(root, value as string);
    if (why !== null) {
      out.push({ key, message: `Cannot use folder ${key}="${String(value)}": ${why}` });
    }
  }
  return out;
}

/** Why a folder path crosses a link or a non-folder (null: fine, or not there yet). */
function linkOnTheWay(root: string, rel: string): string | null {
  let dir = root;
  for (const part of rel.split("/")) {
    dir = join(dir, part);
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
    if (info.isSymlink) return `"${dir}" is a link (links are never followed)`;
    if (!info.isDirectory) return `"${dir}" is not a folder`;
  }
  return null;
}
