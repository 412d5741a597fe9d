/**
 * Project manifests (`*.project.json`) and the alias index built from them.
 *
 * @module
 */
import { basename } from "./stage.ts";

/** What keeper reads from one `*.project.json`. */
export interface ProjectManifest {
  /** `projectId`, the canonical project id (e.g. `aiko_raw`). */
  id: string;
  title: string | null;
  /** `paths.root` as written (relative to the manifest file, or `PROJECT_ROOT/...`). */
  root: string | null;
  /** Absolute root when `paths.root` could be resolved against the manifest's folder. */
  absoluteRoot: string | null;
  /** Extra names for this project (manifest `aliases`, title, root folder name). */
  aliases: string[];
  startedAt: string | null;
  finishedAt: string | null;
  /** The manifest file, when loaded from disk. */
  file: string | null;
}

/** Answer of {@linkcode lookupProject}. */
export type ProjectLookup =
  | { kind: "found"; project: string }
  | { kind: "ambiguous"; candidates: string[] }
  | { kind: "unknown" };

/** Manifests indexed by every normalised name they answer to. */
export interface ProjectIndex {
  manifests: readonly ProjectManifest[];
  /** Normalised name → project ids. */
  names: ReadonlyMap<string, readonly string[]>;
}

/** Options for {@linkcode buildProjectIndex}. */
export interface BuildProjectIndexOptions {
  /** Extra aliases: name → project id (e.g. from the project-map file). */
  aliases?: Readonly<Record<string, string>>;
}

const indexDefaults = {
  aliases: {} as Readonly<Record<string, string>>,
} satisfies Required<BuildProjectIndexOptions>;

/**
 * Normalised form of a project name: lower-case words, sorted, joined by `_`,
 * so `Aiko_raw` = `aiko_raw` and `Kiara_Slender` = `slender_kiara`.
 *
 * @param name A project id, title or folder name.
 * @returns The comparison key.
 * @example
 * ```ts
 * projectKey("Kiara_Slender") === projectKey("slender_kiara"); // true
 * ```
 */
export function projectKey(name: string): string {
  return name.toLowerCase().split(/[\s_]+/).filter((w) => w !== "").sort().join("_");
}

/**
 * Read one manifest object (any of the creator's two styles).
 *
 * @param json The parsed JSON.
 * @param file Where it came from (for messages and relative roots).
 * @returns The manifest.
 * @throws {TypeError} When `projectId` is missing.
 * @example
 * ```ts
 * parseProjectManifest({ projectId: "mojo1", paths: { root: "../../mojo1" } }).id; // "mojo1"
 * ```
 */
export function parseProjectManifest(json: unknown, file: string | null = null): ProjectManifest {
  const o = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const id = o["projectId"];
  if (typeof id !== "string" || id.trim() === "") {
    throw new TypeError(`Cannot read project manifest "${file ?? "(inline)"}": no "projectId"`);
  }
  const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
  const paths = (typeof o["paths"] === "object" && o["paths"] !== null ? o["paths"] : {}) as Record<
    string,
    unknown
  >;
  const root = str(paths["root"]);
  const title = str(o["title"]);
  const aliases = new Set<string>();
  if (Array.isArray(o["aliases"])) {
    for (const a of o["aliases"]) if (typeof a === "string" && a !== "") aliases.add(a);
  }
  if (title !== null) aliases.add(title);
  if (root !== null) aliases.add(basename(root.replace(/\/+$/, "")));
  aliases.delete(id);
  let absoluteRoot: string | null = null;
  if (root !== null && !root.startsWith("PROJECT_ROOT/")) {
    if (root.startsWith("/")) absoluteRoot = normalizeAbsolute(root);
    else if (file !== null && file.startsWith("/")) {
      absoluteRoot = normalizeAbsolute(`${file.slice(0, file.lastIndexOf("/"))}/${root}`);
    }
  }
  return {
    id,
    title,
    root,
    absoluteRoot,
    aliases: [...aliases],
    startedAt: str(o["startedAt"]),
    finishedAt: str(o["finishedAt"]),
    file,
  };
}

function normalizeAbsolute(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/**
 * Index manifests by id and aliases (case- and word-order-insensitive).
 *
 * @param manifests The manifests.
 * @param options Extra aliases.
 * @returns The index.
 * @example
 * ```ts
 * const index = buildProjectIndex([parseProjectManifest({ projectId: "aiko_raw" })]);
 * lookupProject(index, "Aiko_raw"); // { kind: "found", project: "aiko_raw" }
 * ```
 */
export function buildProjectIndex(
  manifests: readonly ProjectManifest[],
  options: BuildProjectIndexOptions = {},
): ProjectIndex {
  const { aliases } = { ...indexDefaults, ...options };
  const names = new Map<string, string[]>();
  const add = (name: string, id: string): void => {
    const key = projectKey(name);
    if (key === "") return;
    const list = names.get(key) ?? [];
    if (!list.includes(id)) list.push(id);
    names.set(key, list);
  };
  // Ids win over aliases: an alias never shadows another project's own id.
  for (const m of manifests) add(m.id, m.id);
  const ids = new Map(names);
  for (const m of manifests) {
    for (const a of m.aliases) if (!ids.has(projectKey(a))) add(a, m.id);
  }
  for (const [name, id] of Object.entries(aliases)) {
    const key = projectKey(name);
    names.set(key, [id]);
  }
  return { manifests, names };
}

/**
 * Find the project a name refers to.
 *
 * @param index The project index.
 * @param name A project id, alias or folder name.
 * @returns Found, ambiguous (with candidates) or unknown.
 * @example
 * ```ts
 * lookupProject(buildProjectIndex([]), "x"); // { kind: "unknown" }
 * ```
 */
export function lookupProject(index: ProjectIndex, name: string): ProjectLookup {
  const list = index.names.get(projectKey(name));
  if (list === undefined || list.length === 0) return { kind: "unknown" };
  if (list.length === 1) return { kind: "found", project: list[0] as string };
  return { kind: "ambiguous", candidates: [...list].sort() };
}

/** Options for {@linkcode loadProjectManifests}. */
export interface LoadProjectManifestsOptions {
  /** Search sub-folders too. */
  recursive?: boolean;
}

const loadDefaults = { recursive: true } satisfies Required<LoadProjectManifestsOptions>;

/**
 * Load every `*.project.json` in a folder (recursively by default), sorted by path.
 *
 * @param dir The folder.
 * @param options Recursion.
 * @returns The manifests.
 * @throws {SyntaxError} When a manifest is not JSON.
 * @example
 * ```ts
 * const manifests = await loadProjectManifests("data/original/projects");
 * ```
 */
export async function loadProjectManifests(
  dir: string,
  options: LoadProjectManifestsOptions = {},
): Promise<ProjectManifest[]> {
  const { recursive } = { ...loadDefaults, ...options };
  const abs = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory && recursive && !e.name.startsWith(".") && e.name !== "node_modules") {
        await walk(p);
      } else if (e.isFile && e.name.endsWith(".project.json")) files.push(p);
    }
  };
  await walk(normalizeAbsolute(abs));
  files.sort();
  const out: ProjectManifest[] = [];
  for (const f of files) {
    let json: unknown;
    try {
      json = JSON.parse(await Deno.readTextFile(f));
    } catch (cause) {
      throw new SyntaxError(`Cannot read project manifest "${f}": not JSON`, { cause });
    }
    out.push(parseProjectManifest(json, f));
  }
  return out;
}
