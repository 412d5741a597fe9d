/**
 * Project resolution: a logged path (+ session, + the log's own project column)
 * → keeper's image identity (project, filename).
 *
 * Order: the path itself (manifest root, a known project folder, `<p>_final`,
 * `<p>_raw`, the `training data/<p>/` convention) → the log's project column →
 * a manifest beside the log → the project-map rules → unresolved (reported).
 *
 * @module
 */
import type { ImageRef } from "../types.ts";
import { basename, parseStage } from "./stage.ts";
import { buildProjectIndex, lookupProject, type ProjectIndex } from "./project.ts";
import { matchProjectMap, type ProjectMap } from "./project_map.ts";

/** How a project was found. */
export type ResolveVia =
  | "manifest_root"
  | "path"
  | "convention"
  | "declared"
  | "sibling_manifest"
  | "project_map";

/** Per-call context for {@linkcode ProjectResolver.resolve}. */
export interface ResolveContext {
  /** Session id of the log row (for session rules). */
  sessionId?: string;
  /** The log's own project column, if it has one. */
  declared?: string | null;
  /** Project of a manifest lying beside the log file. */
  fallback?: string | null;
}

/** The answer for one path. */
export interface Resolution {
  /** The image; `project` is null when unresolved or ambiguous. */
  ref: ImageRef;
  via: ResolveVia | null;
  /** All candidates when the name matched several projects. */
  candidates: string[];
}

/**
 * A folder name in an absolute path outside every known root that names a
 * project other than the one resolved (or when nothing else resolved it):
 * `/Users/<name>/work/crop/a.png` where `<name>` happens to be a project id.
 */
export interface ProjectConflict {
  /** The logged path. */
  path: string;
  /** The project the folder name matched (not trusted). */
  folder: string;
  /** The project resolved by the log column, a manifest or the map; null when none. */
  resolved: string | null;
}

/** Options for {@linkcode ProjectResolver}. */
export interface ProjectResolverOptions {
  index?: ProjectIndex;
  map?: ProjectMap | null;
  /** Prefixes stripped from logged paths (besides `training data/`). */
  roots?: readonly string[];
  /** Stage table for `ImageRef.stage`. */
  stages?: Readonly<Record<string, number>>;
}

/** Roots the creator's logs use. */
export const DEFAULT_ROOTS: readonly string[] = Object.freeze([
  "PROJECT_ROOT/",
  "/Users/eriksjaastad/projects/Eros Mate/",
]);

const defaults = {
  index: buildProjectIndex([]),
  map: null,
  roots: DEFAULT_ROOTS,
  stages: undefined as unknown as Readonly<Record<string, number>>,
} satisfies Required<ProjectResolverOptions>;

/**
 * Strip known roots and everything up to `training data/` from a path.
 *
 * @param path A logged path.
 * @param roots Prefixes to strip.
 * @returns The relative rest, and whether the `training data/` convention applied.
 * @example
 * ```ts
 * stripRoots("PROJECT_ROOT/training data/mojo1/a.png").rel; // "mojo1/a.png"
 * ```
 */
export function stripRoots(
  path: string,
  roots: readonly string[] = DEFAULT_ROOTS,
): { rel: string; convention: boolean } {
  let p = path.replaceAll("\\", "/").trim();
  for (const r of roots) {
    if (p.toLowerCase().startsWith(r.toLowerCase())) {
      p = p.slice(r.length);
      break;
    }
  }
  const i = p.toLowerCase().lastIndexOf("training data/");
  if (i >= 0 && (i === 0 || p[i - 1] === "/")) {
    return { rel: p.slice(i + "training data/".length), convention: true };
  }
  return { rel: p.replace(/^\.\//, ""), convention: false };
}

/** Whether `segs[i]` of an absolute path is a user's home folder: `/Users/<i>`, `/home/<i>`. */
function isHomeFolder(segs: readonly string[], i: number): boolean {
  return i === 2 && segs[0] === "" && /^(users|home)$/i.test(segs[1] ?? "");
}

/** Resolves logged paths to (project, filename) with a fixed index and map. */
export class ProjectResolver {
  readonly index: ProjectIndex;
  readonly map: ProjectMap | null;
  readonly #roots: readonly string[];
  readonly #stages: Readonly<Record<string, number>> | undefined;
  /** Untrusted folder matches seen (count), with the first few as examples. */
  readonly conflicts: { count: number; examples: ProjectConflict[] } = { count: 0, examples: [] };
  // Folder names repeat on every row: remember their lookups.
  readonly #segments = new Map<string, { project: string | null; candidates: string[] }>();

  /**
   * @param options Manifest index, project map, roots, stages.
   * @example
   * ```ts
   * import { buildProjectIndex, type ProjectManifest } from "./project.ts";
   * import type { ProjectMap } from "./project_map.ts";
   * declare const manifests: ProjectManifest[], map: ProjectMap;
   * const r = new ProjectResolver({ index: buildProjectIndex(manifests), map });
   * r.resolve("PROJECT_ROOT/mojo1/a_stage1_generated.png").ref.project; // "mojo1"
   * ```
   */
  constructor(options: ProjectResolverOptions = {}) {
    const opts = { ...defaults, ...options };
    this.index = opts.index;
    this.map = opts.map;
    this.#roots = opts.roots;
    this.#stages = options.stages;
  }

  /**
   * Resolve one logged path.
   *
   * @param path The path as written in the log.
   * @param context Session id, declared project, sibling manifest project.
   * @returns The image reference, how it was resolved, and candidates if ambiguous.
   * @example
   * ```ts
   * declare const resolver: ProjectResolver;
   * resolver.resolve("crop/a.png", { sessionId: "2025-10-08 14:46:56" });
   * ```
   */
  resolve(path: string, context: ResolveContext = {}): Resolution {
    const { rel: stripped, convention } = stripRoots(path, this.#roots);
    let rel = stripped;
    let project: string | null = null;
    let via: ResolveVia | null = null;
    let candidates: string[] = [];
    let untrusted: string | null = null;
    let hint: { project: string | null; candidates: string[]; rel: string } | null = null;

    const tryName = (name: string): boolean => {
      const found = lookupProject(this.index, name);
      if (found.kind === "found") project = found.project;
      else if (found.kind === "ambiguous") candidates = found.candidates;
      return found.kind !== "unknown";
    };
    const trySegment = (seg: string): boolean => {
      let hit = this.#segments.get(seg);
      if (hit === undefined) {
        project = null;
        candidates = [];
        const m = /^(.+)_(final|raw)$/i.exec(seg);
        if (!tryName(seg) && m !== null) tryName(m[1] as string);
        hit = { project, candidates };
        if (this.#segments.size > 10_000) this.#segments.clear();
        this.#segments.set(seg, hit);
      }
      project = hit.project;
      candidates = hit.candidates;
      return project !== null || candidates.length > 0;
    };

    if (rel.startsWith("/")) {
      let best: { root: string; id: string } | null = null;
      for (const m of this.index.manifests) {
        const root = m.absoluteRoot;
        if (root !== null && rel.startsWith(`${root}/`)) {
          if (best === null || root.length > best.root.length) best = { root, id: m.id };
        }
      }
      if (best !== null) {
        project = best.id;
        via = "manifest_root";
        rel = rel.slice(best.root.lastIndexOf("/") + 1);
      } else {
        // Outside every known root, a folder that happens to carry a project's
        // name (a user name, a work folder) is only a hint: the log column, a
        // manifest or the map decide, and a disagreement is flagged. The
        // nearest such folder to the file counts. It may serve as the last
        // resort only where a project folder sits in the original's layout:
        // the file's own folder, or `<project>_final/<character>/`; never a
        // home folder (`/Users/<name>`, `/home/<name>`) or one further up
        // (`/Users/mojo1/work/crop/a.png` stays unresolved without a map).
        const segs = rel.split("/");
        for (let i = segs.length - 2; i >= 1; i--) {
          const seg = segs[i] as string;
          if (trySegment(seg)) {
            untrusted = project ?? candidates.join(", ");
            const placed = i === segs.length - 2 ||
              (i === segs.length - 3 && /_final$/i.test(seg));
            if (placed && !isHomeFolder(segs, i)) {
              hint = { project, candidates, rel: segs.slice(i).join("/") };
            }
            project = null;
            candidates = [];
            break;
          }
        }
      }
    } else {
      const seg = rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : "";
      if (seg !== "" && trySegment(seg)) {
        if (project !== null) via = "path";
      } else if (seg !== "" && convention) {
        project = seg.replace(/_final$/i, "");
        via = "convention";
      }
    }
    if (project === null && candidates.length === 0) {
      const declared = context.declared?.trim();
      if (declared) {
        if (!tryName(declared) && candidates.length === 0) project = declared;
        if (project !== null) via = "declared";
      }
    }
    if (project === null && candidates.length === 0 && context.fallback) {
      project = context.fallback;
      via = "sibling_manifest";
    }
    if (project === null && candidates.length === 0 && this.map !== null) {
      const mapped = matchProjectMap(this.map, {
        paths: path === stripped ? [path] : [path, stripped],
        sessionId: context.sessionId ?? "",
      });
      if (mapped !== null) {
        project = mapped;
        via = "project_map";
      }
    }
    // Nothing else knew: the folder name is the last resort (not a conflict).
    if (project === null && candidates.length === 0 && hint !== null) {
      project = hint.project;
      candidates = hint.candidates;
      rel = hint.rel;
      via = project === null ? null : "path";
      untrusted = null;
    }
    if (untrusted !== null && untrusted !== project) {
      this.conflicts.count++;
      if (this.conflicts.examples.length < 5) {
        this.conflicts.examples.push({ path, folder: untrusted, resolved: project });
      }
    }
    const filename = basename(rel);
    const slash = rel.lastIndexOf("/");
    const stageOpts = this.#stages === undefined ? {} : { stages: this.#stages };
    return {
      ref: {
        project,
        filename,
        path,
        dir: slash >= 0 ? rel.slice(0, slash) : "",
        stage: parseStage(filename, stageOpts),
      },
      via: project === null ? null : via,
      candidates: project === null ? candidates : [],
    };
  }
}
