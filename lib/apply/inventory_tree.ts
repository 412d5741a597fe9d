/**
 * An inventory of a folder tree by content hash: what the fault-injection
 * tests compare before, after recovery and after rollback.
 *
 * @module
 */
import { join } from "node:path";
import { sha256File } from "./_ops.ts";

/** Files (relative POSIX path → sha256) and folders of a tree. */
export interface Inventory {
  files: Map<string, string>;
  dirs: Set<string>;
}

/** Options for {@linkcode inventoryTree}. */
export interface InventoryOptions {
  /** Top-level names to leave out (keeper's own plans, journal, logs). */
  exclude?: readonly string[];
}

const defaults = { exclude: [] } satisfies Required<InventoryOptions>;

/**
 * Walk `root` (symbolic links are listed as files with hash `symlink:<target>`).
 *
 * @param root The folder.
 * @param options Names to skip at the top level.
 * @returns The inventory.
 * @example
 * ```ts
 * const inv = inventoryTree("/tmp/box", { exclude: ["plans", "journal"] });
 * ```
 */
export function inventoryTree(root: string, options: InventoryOptions = {}): Inventory {
  const opts = { ...defaults, ...options };
  const inv: Inventory = { files: new Map(), dirs: new Set() };
  const walk = (dir: string, rel: string) => {
    for (const e of Deno.readDirSync(dir)) {
      if (rel === "" && opts.exclude.includes(e.name)) continue;
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      const p = join(dir, e.name);
      if (e.isSymlink) inv.files.set(r, `symlink:${Deno.readLinkSync(p)}`);
      else if (e.isDirectory) {
        inv.dirs.add(r);
        walk(p, r);
      } else inv.files.set(r, sha256File(p));
    }
  };
  walk(root, "");
  return inv;
}

/**
 * Differences between two inventories, as readable lines (empty = identical).
 *
 * @param expected What should be there.
 * @param actual What is there.
 * @returns Lines such as `missing a.png`, `extra .keeper-tmp-…`, `changed b.yaml`.
 * @example
 * ```ts
 * declare const before: Parameters<typeof diffInventories>[0], after: Parameters<typeof diffInventories>[1];
 * diffInventories(before, after); // []
 * ```
 */
export function diffInventories(expected: Inventory, actual: Inventory): string[] {
  const out: string[] = [];
  for (const [p, sha] of expected.files) {
    const have = actual.files.get(p);
    if (have === undefined) out.push(`missing ${p}`);
    else if (have !== sha) out.push(`changed ${p}`);
  }
  for (const p of actual.files.keys()) if (!expected.files.has(p)) out.push(`extra ${p}`);
  for (const d of expected.dirs) if (!actual.dirs.has(d)) out.push(`missing folder ${d}`);
  for (const d of actual.dirs) if (!expected.dirs.has(d)) out.push(`extra folder ${d}`);
  return out;
}
