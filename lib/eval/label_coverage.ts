/**
 * Label coverage: for every label kind and project, how many labels keeper
 * found images for, how many it could use, and — for the ones it could not —
 * a few examples with where it looked. No silent zeros.
 *
 * @module
 */
import { join } from "node:path";
import type { CropLabel, ImageRef } from "../types.ts";
import type { ImageIndex } from "../paths/mod.ts";

/** Label kinds: selection sets by their `kind`, crop labels from logs or reviews. */
export type LabelKind =
  | "selection_log"
  | "anomaly_export"
  | "review"
  | "extraction"
  | "crop"
  | "review_crop";

/** Every label kind, in report order. */
export const LABEL_KINDS: readonly LabelKind[] = Object.freeze([
  "selection_log",
  "anomaly_export",
  "extraction",
  "review",
  "crop",
  "review_crop",
]);

/** Counts of one kind (and one project). */
export interface CoverageCounts {
  /** Labels of this kind. */
  labels: number;
  /** Labels whose every image was found. */
  found: number;
  /** Labels with an image found nowhere. */
  missing: number;
  /** Labels with an image whose identity two different files hold. */
  conflicts: number;
  /** Labels found but without features (unreadable image). */
  no_features: number;
  /** Labels that became training/evaluation examples. */
  usable: number;
}

/** One label keeper could not use, for the report. */
export interface MissingExample {
  /** The path as the log wrote it. */
  path: string;
  /** The identity keeper looked for (`<project>/<file name>`). */
  identity: string;
  /** Log file and line. */
  source: string;
  /** Where keeper looked (roots, or the exact path tried). */
  looked: string;
  why: "missing" | "conflict" | "no_features";
}

/** Coverage of one label kind. */
export interface KindCoverage extends CoverageCounts {
  by_project: Record<string, CoverageCounts>;
  /** Up to five examples of labels not used, with where keeper looked. */
  examples: MissingExample[];
}

/** Coverage of a whole dataset. */
export interface Coverage {
  /** Where images were looked for. */
  looked_in: string[];
  /** Only kinds that have labels. */
  kinds: Partial<Record<LabelKind, KindCoverage>>;
}

/** How one image of a label resolved. */
export type ResolvedImage =
  | { kind: "found"; path: string }
  | { kind: "missing"; looked: string }
  | { kind: "conflict"; paths: string[] };

/** Finds the file of a logged image (its project given). */
export interface ImageResolver {
  /** Where this resolver looks, for reports. */
  lookedIn: string[];
  resolve(ref: ImageRef, project: string): ResolvedImage;
}

/**
 * Resolve by identity (project, file name) in an image index.
 *
 * @param index The index over the image roots.
 * @returns The resolver.
 * @example
 * ```ts
 * import { buildImageIndex } from "../paths/mod.ts";
 * declare const projects: string[];
 * const resolver = indexResolver(await buildImageIndex(["images", "sandbox"], { projects }));
 * ```
 */
export function indexResolver(index: ImageIndex): ImageResolver {
  const looked = index.roots.join(", ");
  return {
    lookedIn: [...index.roots],
    resolve(ref, project) {
      const hit = index.lookup(
        project,
        ref.filename,
        ref.sha256 === undefined ? {} : { sha256: ref.sha256 },
      );
      if (hit.kind === "found") return { kind: "found", path: hit.path };
      if (hit.kind === "conflict") return { kind: "conflict", paths: hit.paths };
      return { kind: "missing", looked: `${looked} (by project and file name)` };
    },
  };
}

/**
 * Resolve by the logged folder under one root (`<root>/<dir>/<file>`); the
 * file's existence shows up as features or their absence.
 *
 * @param root The folder logged paths are relative to.
 * @returns The resolver.
 * @example
 * ```ts
 * import type { ImageRef } from "../types.ts";
 * declare const ref: ImageRef;
 * rootResolver("sim/images").resolve(ref, "mojo1"); // { kind: "found", path: "sim/images/mojo1/a/x.png" }
 * ```
 */
export function rootResolver(root: string): ImageResolver {
  return {
    lookedIn: [root],
    resolve: (ref) => ({ kind: "found", path: join(root, ref.dir, ref.filename) }),
  };
}

/** The label kind of a crop label (a review's crop or a logged crop). */
export function cropKind(c: Pick<CropLabel, "session_id" | "source">): LabelKind {
  return c.source.file.endsWith("approved_decisions.jsonl") || c.session_id.startsWith("review ")
    ? "review_crop"
    : "crop";
}

function zero(): CoverageCounts {
  return { labels: 0, found: 0, missing: 0, conflicts: 0, no_features: 0, usable: 0 };
}

/** Accumulates coverage while a dataset is built. */
export class CoverageTally {
  readonly #coverage: Coverage;

  /** @param lookedIn Where images are looked for. */
  constructor(lookedIn: readonly string[]) {
    this.#coverage = { looked_in: [...lookedIn], kinds: {} };
  }

  /**
   * Count one label.
   *
   * @param kind Label kind.
   * @param project Its project.
   * @param outcome What happened to it.
   * @param example For an unused label: the image and where keeper looked.
   */
  add(
    kind: LabelKind,
    project: string,
    outcome: "usable" | "found" | "missing" | "conflict" | "no_features",
    example?: Omit<MissingExample, "why">,
  ): void {
    const k = this.#coverage.kinds[kind] ??= { ...zero(), by_project: {}, examples: [] };
    const p = k.by_project[project] ??= zero();
    for (const c of [k, p]) {
      c.labels++;
      if (outcome === "missing") c.missing++;
      else if (outcome === "conflict") c.conflicts++;
      else {
        c.found++;
        if (outcome === "no_features") c.no_features++;
        if (outcome === "usable") c.usable++;
      }
    }
    if (
      example !== undefined && k.examples.length < 5 &&
      (outcome === "missing" || outcome === "conflict" || outcome === "no_features")
    ) {
      k.examples.push({ ...example, why: outcome });
    }
  }

  /** The coverage so far (kinds in report order). */
  result(): Coverage {
    const kinds: Partial<Record<LabelKind, KindCoverage>> = {};
    for (const k of LABEL_KINDS) {
      const c = this.#coverage.kinds[k];
      if (c !== undefined) kinds[k] = c;
    }
    return { looked_in: this.#coverage.looked_in, kinds };
  }
}

/** Options for {@linkcode coverageErrors}. */
export interface CoverageErrorsOptions {
  /** Kinds allowed to end with 0 usable examples (`--allow-empty`). */
  allowEmpty?: readonly string[];
  /** The command, for messages (`train`). */
  command?: string;
}

const errorDefaults = {
  allowEmpty: [] as readonly string[],
  command: "train",
} satisfies Required<CoverageErrorsOptions>;

/**
 * One line per label kind that has labels but 0 usable examples (and is not
 * allowed to): the caller fails with them.
 *
 * @param coverage The dataset's coverage.
 * @param options Allowed kinds, command name.
 * @returns Error lines (empty when all is well).
 * @example
 * ```ts
 * declare const ds: { coverage: Coverage };
 * const errors = coverageErrors(ds.coverage, { allowEmpty: ["crop"] });
 * if (errors.length) throw new Error(errors.join("\n"));
 * ```
 */
export function coverageErrors(coverage: Coverage, options: CoverageErrorsOptions = {}): string[] {
  const o = { ...errorDefaults, ...options };
  const out: string[] = [];
  for (const [kind, c] of Object.entries(coverage.kinds) as [LabelKind, KindCoverage][]) {
    if (c.labels === 0 || c.usable > 0 || o.allowEmpty.includes(kind)) continue;
    const e = c.examples[0];
    const eg = e === undefined
      ? ""
      : `; e.g. ${e.identity} (logged as "${e.path}") ${
        e.why === "no_features"
          ? "could not be read"
          : e.why === "conflict"
          ? "is two files"
          : "not found"
      }`;
    out.push(
      `Cannot ${o.command}: 0 of ${c.labels} ${kind} labels usable (found ${c.found}, missing ${c.missing}, ` +
        `conflicts ${c.conflicts}, unreadable ${c.no_features}; looked in ${
          coverage.looked_in.join(", ") || "(nowhere)"
        }${eg}); fix --images or pass --allow-empty ${kind}`,
    );
  }
  return out;
}

/**
 * The coverage as summary lines (one per kind, then per project, then examples).
 *
 * @param coverage The coverage.
 * @returns Lines for a task's summary.
 * @example
 * ```ts
 * declare const ds: { coverage: Coverage };
 * for (const line of formatCoverage(ds.coverage)) console.log(line);
 * ```
 */
export function formatCoverage(coverage: Coverage): string[] {
  const lines = [`labels (looked in ${coverage.looked_in.join(", ") || "(nowhere)"}):`];
  const row = (c: CoverageCounts): string =>
    `${c.labels} labels, ${c.found} found, ${c.missing} missing` +
    (c.conflicts ? `, ${c.conflicts} conflicts` : "") +
    (c.no_features ? `, ${c.no_features} unreadable` : "") + `, ${c.usable} used`;
  const entries = Object.entries(coverage.kinds) as [LabelKind, KindCoverage][];
  if (entries.length === 0) lines.push("  none");
  for (const [kind, c] of entries) {
    const pct = c.labels ? ` (${((100 * c.found) / c.labels).toFixed(1)}% found)` : "";
    lines.push(`  ${kind}: ${row(c)}${pct}`);
    const projects = Object.entries(c.by_project).sort((a, b) => a[0] < b[0] ? -1 : 1);
    if (projects.length > 1 || c.found < c.labels) {
      for (const [p, pc] of projects) lines.push(`    ${p}: ${row(pc)}`);
    }
    for (const e of c.examples) {
      lines.push(`    ${e.why}: ${e.identity} ("${e.path}", ${e.source}); looked in ${e.looked}`);
    }
  }
  return lines;
}
