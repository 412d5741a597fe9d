/**
 * Image identity across logs and caches: (project, file name).
 *
 * @module
 */
import type { ImageRef } from "../types.ts";
import { basename } from "./stage.ts";

/**
 * The identity key of an image, `<project>/<file name>`, or null when its
 * project is unresolved (such an image has no identity yet).
 *
 * @param ref An image reference (only `project` and `filename` are read).
 * @returns The key or null.
 * @example
 * ```ts
 * imageKey({ project: "mojo1", filename: "20250708_064118_stage1_generated.png" });
 * // "mojo1/20250708_064118_stage1_generated.png"
 * ```
 */
export function imageKey(ref: Pick<ImageRef, "project" | "filename">): string | null {
  return ref.project === null ? null : `${ref.project}/${basename(ref.filename)}`;
}

/**
 * The projects in which a bare file name occurs, for reporting a name that
 * matches several images with all its candidates.
 *
 * @param filename A file name (or path; its base name is used).
 * @param refs Known images.
 * @returns Sorted distinct projects holding that file name.
 * @example
 * ```ts
 * declare const refs: Parameters<typeof projectsOfFilename>[1];
 * projectsOfFilename("a.png", refs); // ["mojo1", "mojo2"] → ambiguous
 * ```
 */
export function projectsOfFilename(
  filename: string,
  refs: Iterable<Pick<ImageRef, "project" | "filename">>,
): string[] {
  const name = basename(filename);
  const out = new Set<string>();
  for (const r of refs) if (r.project !== null && r.filename === name) out.add(r.project);
  return [...out].sort();
}
