/**
 * The simulated creator laid out as the original tool leaves things
 * (../ORIGINAL.md §1.2-1.3): raw images flat in `creator/<project>/`, picks
 * moved with their companions to `creator/<project>_final/<character>/`, a
 * selection log naming absolute `/Users/<name>/…/<project>/<file>` paths, a
 * crop log naming `crop/<character>/<file>` with no project column (the
 * project is known only from the session date, through the project map).
 *
 * @module
 */
import { sessionDate } from "../paths/mod.ts";
import { exists } from "./_files.ts";
import { CROP_HEADER, type LogPaths, logRows, SELECTION_HEADER } from "./_write.ts";
import type { GroundTruthRecord, GroupPlan, MemberPlan, ProjectPlan } from "./types.ts";

/** Where the simulated creator's machine kept projects (the selection log's prefix). */
export const ORIGINAL_HOME = "/Users/dana/Studio";

/** The creator's working tree inside the simulated output. */
export const CREATOR_DIR = "creator";

const COMPANIONS = [".yaml", ".caption", ".txt"];

/** How the original's logs name images. */
export const ORIGINAL_LOG_PATHS: LogPaths = {
  // Selection happened in the raw project folder, before character sorting.
  selection: (g: GroupPlan, m: MemberPlan) => `${ORIGINAL_HOME}/${g.project}/${m.filename}`,
  // The multi-crop tool ran in `crop/<character>/`, relative to the working dir.
  crop: (g: GroupPlan, m: MemberPlan) => `crop/${g.character}/${m.filename}`,
  cropDir: (g: GroupPlan) => `crop/${g.character}`,
};

/** Folder (relative to the output) of a logged member in the original layout. */
export function originalDir(g: GroupPlan, index: number): string {
  return index === g.chosen_index
    ? `${CREATOR_DIR}/${g.project}_final/${g.character}`
    : `${CREATOR_DIR}/${g.project}`;
}

/**
 * Turn a simulated output (keeper's layout) into the original's layout in
 * place: moves logged images and companions, rewrites both logs, the
 * manifests' roots, a date-only project map and the logged ground truth.
 * Held-out groups stay in `heldout/<project>/<character>/` (the new batch).
 *
 * @param out The simulated output folder.
 * @param projects The projects' plans.
 * @param plans Each project's groups (same order).
 * @param seed The simulation seed (log timing).
 * @returns The date range of each project's crop sessions.
 * @throws {RangeError} When two projects' crop sessions share a date (dates could not tell them apart).
 * @example
 * ```ts
 * type Args = Parameters<typeof toOriginalLayout>;
 * declare const projects: Args[1], plans: Args[2];
 * await toOriginalLayout("/tmp/sim", projects, plans, 1);
 * ```
 */
export async function toOriginalLayout(
  out: string,
  projects: readonly ProjectPlan[],
  plans: readonly (readonly GroupPlan[])[],
  seed: number,
): Promise<Record<string, { from: string; to: string }>> {
  for (const groups of plans) {
    for (const g of groups) {
      if (g.split !== "logged") continue;
      for (const [k, m] of g.members.entries()) {
        const from = `${out}/images/${g.project}/${g.character}`;
        const to = `${out}/${originalDir(g, k)}`;
        await Deno.mkdir(to, { recursive: true });
        const stem = m.filename.replace(/\.png$/, "");
        for (const ext of [".png", ...COMPANIONS]) {
          if (await exists(`${from}/${stem}${ext}`)) {
            await Deno.rename(`${from}/${stem}${ext}`, `${to}/${stem}${ext}`);
          }
        }
      }
    }
  }
  await Deno.remove(`${out}/images`, { recursive: true });

  const selection: { t: number; line: string }[] = [];
  const crop: { t: number; line: string }[] = [];
  const ranges: Record<string, { from: string; to: string }> = {};
  projects.forEach((p, i) => {
    const rows = logRows(p, plans[i]!, seed, ORIGINAL_LOG_PATHS);
    selection.push(...rows.selection);
    crop.push(...rows.crop);
    const dates = rows.crop.map((r) => sessionDate(r.line.slice(0, r.line.indexOf(",")))!).sort();
    if (dates.length > 0) ranges[p.id] = { from: dates[0]!, to: dates.at(-1)! };
  });
  const ids = Object.keys(ranges);
  for (const a of ids) {
    for (const b of ids) {
      const ra = ranges[a]!, rb = ranges[b]!;
      if (a < b && ra.from <= rb.to && rb.from <= ra.to) {
        throw new RangeError(
          `Cannot lay out as the original: crop sessions of "${a}" (${ra.from}..${ra.to}) and ` +
            `"${b}" (${rb.from}..${rb.to}) share dates`,
        );
      }
    }
  }
  const byTime = (a: { t: number }, b: { t: number }): number => a.t - b.t;
  await Deno.writeTextFile(
    `${out}/logs/selection_only_log.csv`,
    [SELECTION_HEADER, ...selection.sort(byTime).map((r) => r.line)].join("\n") + "\n",
  );
  await Deno.writeTextFile(
    `${out}/logs/select_crop_log.csv`,
    [CROP_HEADER, ...crop.sort(byTime).map((r) => r.line)].join("\n") + "\n",
  );
  // As the original's backfill did: the project of a crop session is told by its date.
  const rules = Object.entries(ranges).map(([project, r]) => ({
    project,
    session_from: r.from,
    session_to: r.to,
  }));
  await Deno.writeTextFile(`${out}/project_map.json`, JSON.stringify({ rules }, null, 2) + "\n");

  for (const p of projects) {
    const file = `${out}/projects/${p.id}.project.json`;
    const m = JSON.parse(await Deno.readTextFile(file));
    m.paths.root = `../${CREATOR_DIR}/${p.id}`;
    m.paths.characterGroups = p.characters.map((c) => `../${CREATOR_DIR}/${p.id}_final/${c}`);
    await Deno.writeTextFile(file, JSON.stringify(m, null, 2) + "\n");
  }

  const gtFile = `${out}/ground_truth.jsonl`;
  const plansById = new Map(plans.flat().map((g) => [`${g.project}/${g.group_id}`, g]));
  const records = (await Deno.readTextFile(gtFile)).split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as GroundTruthRecord);
  for (const r of records) {
    const g = plansById.get(`${r.project}/${r.group_id}`);
    if (g === undefined || g.split !== "logged") continue;
    r.dir = `${CREATOR_DIR}/${g.project}`;
    r.members.forEach((m, k) => (m.path = `${originalDir(g, k)}/${m.filename}`));
    r.chosen_path = r.members[r.chosen_index]!.path;
  }
  await Deno.writeTextFile(gtFile, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return ranges;
}
