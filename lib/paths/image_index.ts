/**
 * The image identity index: every image file under one or more roots, keyed
 * by keeper's identity (project, file name), whatever folder holds it.
 *
 * A log may name `crop/<character>/x.png`, `/Users/…/<project>/x.png` or
 * `<project>_final/<character>/x.png`; all of them are the file `x.png` of
 * `<project>`, found here once. Two different files (different bytes) with
 * one identity are a conflict: reported, never guessed between.
 *
 * @module
 */
import { isImageName } from "./companions.ts";
import {
  buildProjectIndex,
  lookupProject,
  parseProjectManifest,
  type ProjectIndex,
  type ProjectManifest,
} from "./project.ts";
import { basename } from "./stage.ts";
import { fileSha256Sync } from "../fs/mod.ts";

/** keeper's identity of an image: `<project>/<file name>`. */
export type ImageIdentity = string;

/**
 * The identity of an image: `<project>/<file name>` (the base name of `fileName`).
 *
 * @param project Project id (after alias resolution).
 * @param fileName File name (a path's base name is used).
 * @returns The identity string.
 * @example
 * ```ts
 * imageIdentity("mojo1", "crop/hannah/20251008_101010_stage2_upscaled.png");
 * // "mojo1/20251008_101010_stage2_upscaled.png"
 * ```
 */
export function imageIdentity(project: string, fileName: string): ImageIdentity {
  return `${project}/${basename(fileName)}`;
}

/** One image file found under a root. */
export interface IndexedImage {
  identity: ImageIdentity;
  project: string;
  fileName: string;
  /** Absolute path of the file. */
  path: string;
  /** The root it was found under (absolute). */
  root: string;
}

/** Two or more files with different content share one identity. */
export interface IdentityConflict {
  identity: ImageIdentity;
  paths: string[];
}

/** A delivered copy (`<project>_final/…`, different bytes) of an original kept elsewhere. */
export interface DeliveredCopy {
  identity: ImageIdentity;
  /** The original, which the identity resolves to. */
  original: string;
  /** The delivered copies (cropped or re-encoded), not used for the identity. */
  copies: string[];
}

/** Answer of {@linkcode ImageIndex.lookup}. */
export type IdentityLookup =
  | { kind: "found"; path: string; via: "identity" | "content" }
  | { kind: "conflict"; paths: string[] }
  | { kind: "missing" };

/** Options for {@linkcode ImageIndex.lookup}. */
export interface LookupOptions {
  /**
   * The file's known content hash (a decision records it). Of two files that
   * share the identity, the one with these bytes is the image; when the
   * identity is not indexed, a file of that name whose project could not be
   * told from its folder is accepted only if its bytes hash to this.
   */
  sha256?: string;
}

/** Options for {@linkcode buildImageIndex}. */
export interface BuildImageIndexOptions {
  /** Project manifests (ids, aliases, absolute roots). */
  manifests?: readonly ProjectManifest[];
  /** Further known project ids (e.g. every project the ingested labels name). */
  projects?: readonly string[];
  /** Extra aliases: name → project id (the project map's). */
  aliases?: Readonly<Record<string, string>>;
}

const buildDefaults = {
  manifests: [] as readonly ProjectManifest[],
  projects: [] as readonly string[],
  aliases: {} as Readonly<Record<string, string>>,
} satisfies Required<BuildImageIndexOptions>;

/** How many example paths a report keeps. */
const EXAMPLES = 5;

/** Image files under roots, by identity; built by {@linkcode buildImageIndex}. */
export class ImageIndex {
  /** The roots indexed (absolute). */
  readonly roots: readonly string[];
  /** Image files seen. */
  readonly files: number;
  /** identity → the one file (or identical copies: the first by path). */
  readonly byIdentity: ReadonlyMap<ImageIdentity, IndexedImage>;
  /** Identities held by files with different content. */
  readonly conflicts: readonly IdentityConflict[];
  /** Files whose project no folder on their path names (count and examples). */
  readonly unresolved: { count: number; examples: string[] };
  /** Files that were byte-identical copies of another with the same identity (kept once). */
  readonly duplicates: number;
  /**
   * Identities whose original sits beside a different delivered copy in a
   * `<project>_final/` folder: the original is used, the copies are listed.
   */
  readonly delivered: readonly DeliveredCopy[];
  readonly #conflicts: ReadonlyMap<ImageIdentity, string[]>;
  readonly #unresolvedByName: ReadonlyMap<string, string[]>;
  readonly #hashes = new Map<string, string>();

  /**
   * @param parts What {@linkcode buildImageIndex} found.
   * @example
   * ```ts
   * const index = await buildImageIndex(["images"], { projects: ["mojo1"] });
   * ```
   */
  constructor(parts: {
    roots: readonly string[];
    files: number;
    byIdentity: ReadonlyMap<ImageIdentity, IndexedImage>;
    conflicts: readonly IdentityConflict[];
    unresolved: readonly string[];
    duplicates: number;
    delivered?: readonly DeliveredCopy[];
  }) {
    this.roots = parts.roots;
    this.files = parts.files;
    this.byIdentity = parts.byIdentity;
    this.conflicts = parts.conflicts;
    this.duplicates = parts.duplicates;
    this.delivered = parts.delivered ?? [];
    this.#conflicts = new Map(parts.conflicts.map((c) => [c.identity, c.paths]));
    const byName = new Map<string, string[]>();
    for (const p of parts.unresolved) {
      const n = basename(p);
      byName.set(n, [...(byName.get(n) ?? []), p]);
    }
    this.#unresolvedByName = byName;
    this.unresolved = {
      count: parts.unresolved.length,
      examples: parts.unresolved.slice(0, EXAMPLES),
    };
  }

  /**
   * Where the image (project, file name) is.
   *
   * @param project Project id.
   * @param fileName File name (a logged path's base name is used).
   * @param options A known content hash (see {@linkcode LookupOptions}).
   * @returns Found (with the path), a conflict (with every path) or missing.
   * @example
   * ```ts
   * declare const index: ImageIndex;
   * index.lookup("mojo1", "crop/hannah/a.png"); // { kind: "found", path: "/…/mojo1_final/hannah/a.png", via: "identity" }
   * ```
   */
  lookup(project: string, fileName: string, options: LookupOptions = {}): IdentityLookup {
    const id = imageIdentity(project, fileName);
    const conflict = this.#conflicts.get(id);
    if (conflict !== undefined) {
      // Known bytes settle it (apply keeps an original beside its cropped copy): verified, not guessed.
      if (options.sha256 !== undefined) {
        const same = conflict.filter((p) => this.#sha256(p) === options.sha256);
        if (same.length === 1) return { kind: "found", path: same[0] as string, via: "content" };
      }
      return { kind: "conflict", paths: [...conflict] };
    }
    const hit = this.byIdentity.get(id);
    if (hit !== undefined) return { kind: "found", path: hit.path, via: "identity" };
    if (options.sha256 !== undefined) {
      const same = (this.#unresolvedByName.get(basename(fileName)) ?? []).filter((p) =>
        this.#sha256(p) === options.sha256
      );
      if (same.length > 0) return { kind: "found", path: same[0] as string, via: "content" };
    }
    return { kind: "missing" };
  }

  /** Every indexed identity of one project (sorted). */
  identitiesOf(project: string): ImageIdentity[] {
    const out: ImageIdentity[] = [];
    for (const img of this.byIdentity.values()) if (img.project === project) out.push(img.identity);
    return out.sort();
  }

  #sha256(path: string): string | null {
    let h = this.#hashes.get(path);
    if (h === undefined) {
      try {
        h = fileSha256Sync(path);
      } catch {
        return null;
      }
      this.#hashes.set(path, h);
    }
    return h;
  }
}

function absolute(path: string): string {
  const p = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/**
 * The project of an image file from the folders on its path: the most
 * specific manifest root holding it, else the first folder below the root
 * (then the root and its parents) that names a known project (`<p>`,
 * `<p>_final`, `<p>_raw`, aliases). With no known projects at all, the first
 * folder below the root (without `_final`/`_raw`) or the root's own name.
 *
 * @param root The indexed root (absolute).
 * @param path The file (absolute, under `root`).
 * @param projects Known projects (manifests, ids, aliases).
 * @returns The project id, or null (with candidates when a folder name is ambiguous).
 * @example
 * ```ts
 * declare const index: Parameters<typeof projectOfImagePath>[2];
 * projectOfImagePath("/x/images", "/x/images/mojo1_final/hannah/a.png", index).project; // "mojo1"
 * ```
 */
export function projectOfImagePath(
  root: string,
  path: string,
  projects: ProjectIndex,
): { project: string | null; candidates: string[] } {
  let best: { root: string; id: string } | null = null;
  for (const m of projects.manifests) {
    const r = m.absoluteRoot;
    if (r !== null && path.startsWith(`${r}/`) && (best === null || r.length > best.root.length)) {
      best = { root: r, id: m.id };
    }
  }
  if (best !== null) return { project: best.id, candidates: [] };
  const dirs = path.slice(root.length + 1).split("/").slice(0, -1);
  const above = root.split("/").filter((s) => s !== "").reverse();
  const strip = (s: string): string => s.replace(/_(final|raw)$/i, "");
  for (const seg of [...dirs, ...above]) {
    for (const name of new Set([seg, strip(seg)])) {
      const found = lookupProject(projects, name);
      if (found.kind === "found") return { project: found.project, candidates: [] };
      if (found.kind === "ambiguous") return { project: null, candidates: found.candidates };
    }
  }
  if (projects.names.size > 0) return { project: null, candidates: [] };
  const first = dirs[0] ?? above[0];
  return { project: first === undefined ? null : strip(first), candidates: [] };
}

async function walkImages(dir: string, out: string[]): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(dir)) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = `${dir}/${e.name}`;
    // Links are not followed: a link could lead outside every root.
    if (e.isDirectory) await walkImages(p, out);
    else if (e.isFile && isImageName(e.name)) out.push(p);
  }
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([Deno.stat(a), Deno.stat(b)]);
  if (sa.dev === sb.dev && sa.ino !== null && sa.ino === sb.ino) return true;
  if (sa.size !== sb.size) return false;
  const [ba, bb] = await Promise.all([Deno.readFile(a), Deno.readFile(b)]);
  for (let i = 0; i < ba.length; i++) if (ba[i] !== bb[i]) return false;
  return true;
}

/**
 * Index every image file under `roots` by (project, file name). Roots may
 * overlap (a file is counted once). Byte-identical copies of one identity
 * are kept once. Different bytes under one identity are a conflict — unless
 * exactly one of them is an original and the others sit in `<project>_final/`
 * folders (the creator's delivered, cropped copies): then the original is the
 * image and the copies are listed in `delivered`.
 *
 * @param roots Folders to search (recursively; links are not followed).
 * @param options Known projects: manifests, ids, aliases.
 * @returns The index.
 * @throws {TypeError} When a root is not a readable folder.
 * @example
 * ```ts
 * import { loadProjectManifests } from "./project.ts";
 * const index = await buildImageIndex(["creator/images", "sandbox"], {
 *   manifests: await loadProjectManifests("creator/projects"),
 *   projects: ["mojo1", "mojo2"],
 * });
 * index.lookup("mojo1", "20251008_101010_stage2_upscaled.png");
 * ```
 */
export async function buildImageIndex(
  roots: readonly string[],
  options: BuildImageIndexOptions = {},
): Promise<ImageIndex> {
  const o = { ...buildDefaults, ...options };
  const known = new Set(o.manifests.map((m) => m.id));
  const extra = o.projects.filter((p) => !known.has(p)).map((p) =>
    parseProjectManifest({ projectId: p })
  );
  const projects = buildProjectIndex([...o.manifests, ...extra], { aliases: o.aliases });
  const absRoots = [...new Set(roots.map(absolute))];
  const seen = new Set<string>();
  const candidates = new Map<ImageIdentity, IndexedImage[]>();
  const unresolved: string[] = [];
  for (const root of absRoots) {
    try {
      if (!(await Deno.stat(root)).isDirectory) throw new Error("not a folder");
    } catch (cause) {
      throw new TypeError(`Cannot index images: root "${root}" is not a readable folder`, {
        cause,
      });
    }
    const files: string[] = [];
    await walkImages(root, files);
    for (const path of files) {
      if (seen.has(path)) continue;
      seen.add(path);
      const { project } = projectOfImagePath(root, path, projects);
      if (project === null) {
        unresolved.push(path);
        continue;
      }
      const fileName = basename(path);
      const identity = imageIdentity(project, fileName);
      const img = { identity, project, fileName, path, root };
      const list = candidates.get(identity);
      if (list === undefined) candidates.set(identity, [img]);
      else list.push(img);
    }
  }
  const byIdentity = new Map<ImageIdentity, IndexedImage>();
  const conflicts: IdentityConflict[] = [];
  const delivered: DeliveredCopy[] = [];
  let duplicates = 0;
  for (const [identity, list] of candidates) {
    // One entry per distinct content (byte-identical copies count once).
    const distinct: IndexedImage[] = [];
    for (const img of list) {
      if (await anySame(img.path, distinct.map((d) => d.path))) duplicates++;
      else distinct.push(img);
    }
    if (distinct.length === 1) {
      byIdentity.set(identity, distinct[0]!);
      continue;
    }
    // The creator's convention: `<project>_final/` holds delivered (possibly cropped,
    // re-encoded) copies of originals kept elsewhere. One original beats its copies;
    // anything else is a conflict.
    const originals = distinct.filter((d) => !isDelivered(d));
    if (originals.length === 1) {
      byIdentity.set(identity, originals[0]!);
      delivered.push({
        identity,
        original: originals[0]!.path,
        copies: distinct.filter(isDelivered).map((d) => d.path).sort(),
      });
    } else {
      conflicts.push({ identity, paths: distinct.map((d) => d.path).sort() });
    }
  }
  conflicts.sort((a, b) => a.identity < b.identity ? -1 : 1);
  delivered.sort((a, b) => a.identity < b.identity ? -1 : 1);
  return new ImageIndex({
    roots: absRoots,
    files: seen.size,
    byIdentity,
    conflicts,
    unresolved,
    duplicates,
    delivered,
  });
}

/**
 * True when a folder between the root and the file is a `<project>_final` delivery folder, or
 * apply's crop folder `__cropped/` (a new cropped file beside its original in `__uncropped/`).
 */
function isDelivered(img: IndexedImage): boolean {
  return img.path.slice(img.root.length + 1).split("/").slice(0, -1).some((s) =>
    /_final$/i.test(s) || s === "__cropped"
  );
}

async function anySame(path: string, others: string[]): Promise<boolean> {
  for (const o of others) if (await sameBytes(o, path)) return true;
  return false;
}
