/**
 * Nothing is approved blind: before a group is approved (one verdict, the
 * approve-band action, or the batch written for apply) every image of it is
 * checked to be one the page can show. Reject and skip need no check.
 *
 * @module
 */
import type { AutomationDecision } from "../lib/types.ts";
import type { ImageServer } from "./_images.ts";

/** A group with images the page cannot show, and why. */
export interface Unshowable {
  group_id: string;
  /** "Group N" as the page names it (place in the decisions file, from 1). */
  group: number;
  images: { index: number; name: string; reason: string }[];
}

/** Files checked at once (each check opens a file). */
const POOL = 8;

/**
 * The groups among `decisions` with at least one image that cannot be shown.
 *
 * @param decisions Groups to check.
 * @param images The image server (its checks and what serving found).
 * @param positionOf Each group's place in the decisions file.
 * @returns One entry per unshowable group, in the order given.
 * @example
 * ```ts
 * import { ImageServer } from "./_images.ts";
 * const bad = await findUnshowable([], new ImageServer("sandbox"), new Map());
 * ```
 */
export async function findUnshowable(
  decisions: readonly AutomationDecision[],
  images: ImageServer,
  positionOf: ReadonlyMap<string, number>,
): Promise<Unshowable[]> {
  const jobs = decisions.flatMap((d) => d.images.map((im, index) => ({ d, im, index })));
  const reasons: (string | null)[] = new Array(jobs.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      reasons[i] = await images.problem(jobs[i]!.im);
    }
  };
  await Promise.all(Array.from({ length: Math.min(POOL, jobs.length) }, worker));
  const byGroup = new Map<string, Unshowable>();
  for (const [i, { d, im, index }] of jobs.entries()) {
    const reason = reasons[i];
    if (reason === null || reason === undefined) continue;
    let u = byGroup.get(d.group_id);
    if (u === undefined) {
      u = { group_id: d.group_id, group: (positionOf.get(d.group_id) ?? -1) + 1, images: [] };
      byGroup.set(d.group_id, u);
    }
    u.images.push({ index, name: im.path.split("/").pop() ?? im.path, reason });
  }
  return [...byGroup.values()];
}

/**
 * One line naming the groups and images: `Group 3 (image 1: "a.png" does not
 * exist)`; past `max` groups, "and N more".
 *
 * @param list Unshowable groups.
 * @param max Groups named in full.
 * @returns The line.
 * @example
 * ```ts
 * describeUnshowable([{ group_id: "g_0123456789abcdef", group: 3, images: [] }]);
 * ```
 */
export function describeUnshowable(list: readonly Unshowable[], max = 5): string {
  const named = list.slice(0, max).map((u) =>
    `Group ${u.group} (${u.images.map((im) => `image ${im.index + 1}: ${im.reason}`).join("; ")})`
  );
  const more = list.length > max ? `, and ${list.length - max} more` : "";
  return named.join(", ") + more;
}
