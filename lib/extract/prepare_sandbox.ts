/**
 * `prepareSandbox()`: copy whole groups (every stage image and every
 * companion) from a project folder into the sandbox for trial runs.
 *
 * @module
 */
import { resolve } from "node:path";
import { groupImages } from "../group/mod.ts";
import { companionsOf, isImageName } from "../paths/mod.ts";
import { mulberry32 } from "../random/mod.ts";
import { fileSha256 } from "../fs/mod.ts";

/** Options for {@linkcode prepareSandbox}. */
export interface PrepareSandboxOptions {
  /** Number of whole groups to copy. */
  groups?: number;
  /** Seed of the group draw. */
  seed?: number;
  /** Copy groups whose companions are incomplete (an image lacks a type its siblings have). */
  allowIncomplete?: boolean;
  /** The destination must lie under this folder. */
  sandboxRoot?: string;
}

const defaults = {
  groups: 10,
  seed: 1,
  allowIncomplete: false,
  sandboxRoot: "sandbox",
} satisfies Required<PrepareSandboxOptions>;

/** What {@linkcode prepareSandbox} did. */
export interface SandboxReport {
  from: string;
  to: string;
  groups_available: number;
  groups_copied: number;
  files_copied: number;
  /** Files already present with identical content. */
  files_present: number;
  bytes: number;
  /** Groups refused, with the reason (`incomplete_companions: <file> lacks .yaml`). */
  refused: { group: string[]; reason: string }[];
  /** Copied groups, member paths relative to `from`. */
  copied: string[][];
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for await (const e of Deno.readDir(rel === "" ? dir : `${dir}/${rel}`)) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.push(p);
    }
  };
  await walk("");
  return out.sort();
}

function dirOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

function extOf(name: string): string {
  return name.slice(name.lastIndexOf("."));
}

/**
 * Copy `groups` whole stage-run groups from `from` into `to` (which must lie
 * under the sandbox root), each file verified by SHA-256 after copying and
 * given its source's modification time. Originals are only read.
 *
 * @param from The project folder.
 * @param to The destination folder (under `sandboxRoot`).
 * @param options Number of groups, seed, incomplete-companion policy, sandbox root.
 * @returns What was copied and refused.
 * @example
 * ```ts
 * const r = await prepareSandbox("data/projects/mojo1", "sandbox/trial", { groups: 20 });
 * console.log(r.groups_copied, r.refused.length);
 * ```
 */
export async function prepareSandbox(
  from: string,
  to: string,
  options: PrepareSandboxOptions = {},
): Promise<SandboxReport> {
  const o = { ...defaults, ...options };
  const root = resolve(o.sandboxRoot), dest = resolve(to);
  if (!dest.startsWith(root + "/")) {
    throw new RangeError(
      `Cannot prepare sandbox: destination "${to}" is not under "${o.sandboxRoot}/"`,
    );
  }
  if (resolve(from) === dest || dest.startsWith(resolve(from) + "/")) {
    throw new RangeError(`Cannot prepare sandbox: destination "${to}" is inside "${from}"`);
  }
  const files = await listFiles(from);
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = dirOf(f);
    byDir.set(d, [...(byDir.get(d) ?? []), f.slice(d === "" ? 0 : d.length + 1)]);
  }
  const { groups } = groupImages(
    files.filter((f) => isImageName(f)).map((path) => ({ path })),
    { content: false },
  );
  // Seeded Fisher–Yates draw, so a seed always picks the same groups.
  const rand = mulberry32(o.seed);
  const order = groups.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const report: SandboxReport = {
    from,
    to,
    groups_available: groups.length,
    groups_copied: 0,
    files_copied: 0,
    files_present: 0,
    bytes: 0,
    refused: [],
    copied: [],
  };
  for (const gi of order) {
    if (report.groups_copied >= o.groups) break;
    const members = groups[gi]!.members;
    const comps = members.map((m) => {
      const d = dirOf(m);
      return companionsOf(m, byDir.get(d) ?? []).map((c) => (d === "" ? c : `${d}/${c}`));
    });
    const exts = new Set(comps.flat().map(extOf));
    const missing: string[] = [];
    members.forEach((m, i) => {
      const have = new Set(comps[i]!.map(extOf));
      for (const e of exts) if (!have.has(e)) missing.push(`${m} lacks ${e}`);
    });
    if (missing.length > 0 && !o.allowIncomplete) {
      report.refused.push({
        group: members,
        reason: `incomplete_companions: ${missing.join("; ")}`,
      });
      continue;
    }
    for (const f of [...members, ...comps.flat()]) {
      const src = `${from}/${f}`, dst = `${to}/${f}`;
      const want = await fileSha256(src);
      let present = false;
      try {
        present = (await fileSha256(dst)) === want;
        if (!present) {
          throw new Error(`Cannot prepare sandbox: "${dst}" exists with other content`);
        }
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      if (present) {
        report.files_present++;
        continue;
      }
      await Deno.mkdir(dirOf(dst), { recursive: true });
      await Deno.copyFile(src, dst);
      if ((await fileSha256(dst)) !== want) {
        throw new Error(`Cannot prepare sandbox: copy of "${src}" does not match its hash`);
      }
      const st = await Deno.stat(src);
      if (st.mtime !== null) await Deno.utime(dst, st.atime ?? st.mtime, st.mtime);
      report.files_copied++;
      report.bytes += st.size;
    }
    report.groups_copied++;
    report.copied.push(members);
  }
  return report;
}
