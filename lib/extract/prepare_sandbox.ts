/**
 * `prepareSandbox()`: copy whole groups (every stage image and every
 * companion) from a project folder into the sandbox for trial runs.
 *
 * @module
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { groupImages } from "../group/mod.ts";
import { companionsOf, isImageName } from "../paths/mod.ts";
import { mulberry32 } from "../random/mod.ts";
import { fileSha256 } from "../fs/mod.ts";

/** Options for {@linkcode prepareSandbox}. */
export interface PrepareSandboxOptions {
  /** Number of whole groups to copy, or `"all"` (the whole folder). */
  groups?: number | "all";
  /** `sampled`: a seeded draw; `in-order`: the first groups by time (file name). */
  order?: "sampled" | "in-order";
  /** Seed of the group draw. */
  seed?: number;
  /**
   * A group whose companions are incomplete (an image lacks a type its siblings have): copied
   * and listed (`warn`) or left out (`refuse`) — apply's `--missing-companions` words.
   */
  missingCompanions?: "refuse" | "warn";
  /** Old name: `true` is `missingCompanions: "warn"`. */
  allowIncomplete?: boolean;
  /** The destination must be this folder or lie inside it (real paths; no link on the way). */
  sandboxRoot?: string;
}

const defaults = {
  groups: 10,
  order: "sampled",
  seed: 1,
  missingCompanions: "warn",
  allowIncomplete: false,
  sandboxRoot: "sandbox",
} satisfies Required<PrepareSandboxOptions>;

/** What {@linkcode prepareSandbox} did. */
export interface SandboxReport {
  from: string;
  to: string;
  /** What was asked for: a number or `"all"`. */
  groups_requested: number | "all";
  order: "sampled" | "in-order";
  missing_companions: "refuse" | "warn";
  groups_available: number;
  groups_copied: number;
  files_copied: number;
  /** Files already present with identical content. */
  files_present: number;
  bytes: number;
  /** Groups refused, with the reason (`incomplete_companions: <file> lacks .yaml`). */
  refused: { group: string[]; reason: string }[];
  /** Groups copied although incomplete (`missingCompanions: "warn"`), with the reason. */
  incomplete: { group: string[]; reason: string }[];
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
 * The real path of `to`, which must be `sandboxRoot` or inside it with no
 * link anywhere between them (folders not there yet are fine).
 */
function checkDestination(sandboxRoot: string, to: string): { root: string; dest: string } {
  let root: string;
  try {
    Deno.mkdirSync(sandboxRoot, { recursive: true }); // the sandbox root itself may be new
    root = Deno.realPathSync(sandboxRoot);
  } catch (error) {
    throw new Error(`Cannot prepare sandbox: sandbox root "${sandboxRoot}" is not a folder`, {
      cause: error,
    });
  }
  const rel = relative(resolve(sandboxRoot), resolve(to));
  if (rel === ".." || rel.startsWith("../") || isAbsolute(rel)) {
    throw new RangeError(
      `Cannot prepare sandbox: destination "${to}" is not under "${sandboxRoot}/"`,
    );
  }
  let dir = root;
  for (const part of rel.split("/").filter((p) => p !== "")) {
    dir = join(dir, part);
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(dir);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) break;
      throw error;
    }
    if (info.isSymlink || !info.isDirectory) {
      throw new RangeError(
        `Cannot prepare sandbox: "${dir}" on the way to "${to}" is ${
          info.isSymlink ? "a link" : "not a folder"
        } (links are never followed)`,
      );
    }
  }
  return { root, dest: join(root, rel) };
}

/** Create `rel` under `base` folder by folder, refusing any link on the way. */
async function mkdirNoLinks(base: string, rel: string): Promise<void> {
  let dir = base;
  for (const part of rel.split("/").filter((p) => p !== "")) {
    dir = join(dir, part);
    try {
      await Deno.mkdir(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const info = await Deno.lstat(dir);
    if (info.isSymlink || !info.isDirectory) {
      throw new RangeError(`Cannot prepare sandbox: "${dir}" is a link or not a folder`);
    }
  }
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
  const policy = options.missingCompanions ?? (o.allowIncomplete ? "warn" : o.missingCompanions);
  if (o.groups !== "all" && (!Number.isInteger(o.groups) || o.groups < 1)) {
    throw new RangeError(`Cannot prepare sandbox: groups "${o.groups}" is not a positive integer`);
  }
  const { root, dest } = checkDestination(o.sandboxRoot, to);
  const realFrom = Deno.realPathSync(from);
  if (realFrom === dest || dest.startsWith(realFrom + "/") || realFrom.startsWith(dest + "/")) {
    throw new RangeError(
      `Cannot prepare sandbox: destination "${to}" and project folder "${from}" overlap`,
    );
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
  const order = groups.map((_, i) => i);
  if (o.order === "in-order") {
    // By time: file names start with YYYYMMDD_HHMMSS; then by path.
    const key = (i: number) => {
      const m = [...groups[i]!.members].sort()[0]!;
      return `${m.split("/").pop()}\u0000${m}`;
    };
    order.sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  } else {
    // Seeded Fisher–Yates draw, so a seed always picks the same groups.
    const rand = mulberry32(o.seed);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const wanted = o.groups === "all" ? groups.length : o.groups;
  const report: SandboxReport = {
    from,
    to,
    groups_requested: o.groups,
    order: o.order,
    missing_companions: policy,
    groups_available: groups.length,
    groups_copied: 0,
    files_copied: 0,
    files_present: 0,
    bytes: 0,
    refused: [],
    incomplete: [],
    copied: [],
  };
  for (const gi of order) {
    if (report.groups_copied >= wanted) break;
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
    if (missing.length > 0) {
      const entry = { group: members, reason: `incomplete_companions: ${missing.join("; ")}` };
      if (policy === "refuse") {
        report.refused.push(entry);
        continue;
      }
      report.incomplete.push(entry);
    }
    for (const f of [...members, ...comps.flat()]) {
      const src = `${from}/${f}`, dst = join(dest, f);
      const want = await fileSha256(src);
      let present = false;
      try {
        if (!(await Deno.lstat(dst)).isFile) {
          throw new Error(`Cannot prepare sandbox: "${dst}" exists and is not a regular file`);
        }
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
      await mkdirNoLinks(root, relative(root, dirOf(dst)));
      // create-new: never writes through a link or over a file that appeared meanwhile.
      const file = await Deno.open(dst, { write: true, createNew: true });
      try {
        const bytes = await Deno.readFile(src);
        let off = 0;
        while (off < bytes.length) off += await file.write(bytes.subarray(off));
      } finally {
        file.close();
      }
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
