/**
 * `extractHistory()`: rebuild a finished project's decisions from its raw and
 * final folders — which stage variant survived each group, and where it was
 * cropped — as selection and crop logs in the original formats.
 *
 * @module
 */
import { groupImages } from "../group/mod.ts";
import { stemOf } from "../paths/mod.ts";
import { dims, listImagesRecursive, loadThumb } from "./_files.ts";
import { matchByContent, type Thumb, THUMB_SIDE } from "./_match_by_content.ts";
import { resolveGroup } from "./_resolve_group.ts";
import { type ExtractState, openState, writeOutputs } from "./_outputs.ts";
import type { ExtractedGroup, ExtractOptions, ExtractReport, FinalMatch } from "./types.ts";

const defaults = {
  project: "",
  outDir: null,
  minCropScore: 0.9,
  minMatchScore: 0.9,
  ambiguityMargin: 0.002,
  candidates: 6,
  grouping: { content: false },
  sessionId: null,
  onProgress: () => {},
} satisfies Required<ExtractOptions>;

/**
 * Extract a project's history from its raw folder (every stage image) and
 * final folder tree (delivered images, possibly renamed, re-encoded,
 * cropped, in character sub-folders). Never writes into either folder.
 *
 * @param rawDir The raw folder.
 * @param finalDir The final folder (searched recursively).
 * @param options Project id, output folder, thresholds, progress.
 * @returns The report; with `outDir`, also logs, state and jsonl side files.
 * @example
 * ```ts
 * const r = await extractHistory("mojo1_raw", "mojo1_final", { project: "mojo1", outDir: "data/extracted/mojo1" });
 * console.log(r.report.chosen_by_name, r.report.chosen_by_content, r.report.all_rejected);
 * ```
 */
export async function extractHistory(
  rawDir: string,
  finalDir: string,
  options: ExtractOptions = {},
): Promise<{ report: ExtractReport; groups: ExtractedGroup[] }> {
  const o = { ...defaults, ...options };
  if (o.project === "") throw new TypeError(`Cannot extract history: no "project" given`);
  const t0 = performance.now();
  const rawFiles = await listImagesRecursive(rawDir);
  const finalFiles = await listImagesRecursive(finalDir);
  const grouping = groupImages(rawFiles.map((path) => ({ path })), o.grouping);
  const groups = grouping.groups.map((g) => g.members);
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((p) => groupOf.set(p, i)));
  const failures: Record<string, number> = {};
  const fail = (reason: string): void => {
    failures[reason] = (failures[reason] ?? 0) + 1;
  };

  // Resume: groups finished by a previous run (same members, same final files) are reused.
  const fingerprint = `${rawFiles.length}:${finalFiles.join("|").length}:${finalFiles.length}`;
  const state: ExtractState | null = o.outDir === null
    ? null
    : await openState(o.outDir, fingerprint);
  try {
    return await run(state);
  } finally {
    state?.close();
  }

  async function run(
    state: ExtractState | null,
  ): Promise<{ report: ExtractReport; groups: ExtractedGroup[] }> {
    const previous = state?.previous ?? new Map();

    // 1. By name: a delivered file with the stem of a raw group member.
    const finalsByStem = new Map<string, string[]>();
    for (const f of finalFiles) {
      const k = stemOf(f);
      finalsByStem.set(k, [...(finalsByStem.get(k) ?? []), f]);
    }
    const rawStems = new Set(rawFiles.map((p) => stemOf(p)));
    const unnamed = finalFiles.filter((f) => !rawStems.has(stemOf(f)));

    // 2. By content: every other delivered file against the project's raw images.
    const contentMatches = new Map<string, FinalMatch[]>(); // raw path → matches
    const unmatched: string[] = [];
    const needContent = unnamed.filter((f) => {
      const g = previous.get(`final:${f}`);
      if (g === undefined) return true;
      if (g.raw != null && g.match != null) {
        contentMatches.set(g.raw, [...(contentMatches.get(g.raw) ?? []), {
          final: f,
          raw: g.raw,
          match: g.match,
        }]);
      } else {
        unmatched.push(f);
        fail(`final_${g.reason ?? "no_match"}`);
      }
      return false;
    });
    if (needContent.length > 0) {
      const named = new Set<number>();
      groups.forEach((g, i) => {
        if (g.some((p) => finalsByStem.has(stemOf(p)))) named.add(i);
      });
      const thumbs = new Map<string, Thumb | null>();
      const thumb = async (p: string): Promise<Thumb | null> => {
        if (!thumbs.has(p)) {
          const [t, d] = await Promise.all([
            loadThumb(`${rawDir}/${p}`, THUMB_SIDE),
            dims(`${rawDir}/${p}`),
          ]);
          thumbs.set(p, t === null || d === null ? null : { grey: t, width: d.width });
        }
        return thumbs.get(p)!;
      };
      // Pass 1: groups with no survivor by name (where a renamed deliverable most likely comes from).
      const orphans = groups.filter((_, i) => !named.has(i)).flat();
      const everyone = groups.flat();
      for (const [fi, f] of needContent.entries()) {
        const siblings = (p: string): string[] => groups[groupOf.get(p)!] ?? [p];
        const r = await matchByContent(rawDir, finalDir, f, [orphans, everyone], {
          thumb,
          siblings,
        }, o);
        await state?.append({ key: `final:${f}`, final: f, ...r });
        if (r.raw !== null && r.match !== null) {
          contentMatches.set(r.raw, [
            ...(contentMatches.get(r.raw) ?? []),
            { final: f, raw: r.raw, match: r.match },
          ]);
        } else {
          unmatched.push(f);
          fail(`final_${r.reason}`);
        }
        o.onProgress(fi + 1, needContent.length + groups.length);
      }
    }

    // 3. Per group: survivors, then the crop of the chosen member.
    const out: ExtractedGroup[] = [];
    let resumed = 0;
    for (const [gi, members] of groups.entries()) {
      const id = `${o.project}/${stemOf(members[0]!)}`;
      const key = `group:${id}:${members.join("|")}`;
      const prev = previous.get(key);
      if (prev !== undefined) {
        out.push(prev.group);
        resumed++;
        o.onProgress(needContent.length + gi + 1, needContent.length + groups.length);
        continue;
      }
      const g = await resolveGroup(id, members, rawDir, finalDir, finalsByStem, contentMatches, o);
      await state?.append({ key, group: g });
      out.push(g);
      o.onProgress(needContent.length + gi + 1, needContent.length + groups.length);
    }
    for (const g of out) {
      if (g.status === "ambiguous") fail(g.reason ?? "ambiguous");
      else if (g.reason !== null) fail(g.reason);
      if (g.crop !== null && g.crop.reason !== null) fail(`crop_${g.crop.reason}`);
    }
    const crops = { full_frame: 0, recovered: 0, low_score: 0, failed: 0 };
    for (const g of out) if (g.crop !== null) crops[g.crop.status]++;
    const report: ExtractReport = {
      project: o.project,
      raw: rawDir,
      final: finalDir,
      raw_images: rawFiles.length,
      final_images: finalFiles.length,
      groups: groups.length,
      singletons: grouping.singletons.length,
      chosen_by_name: out.filter((g) => g.status === "chosen" && g.via === "name").length,
      chosen_by_content: out.filter((g) => g.status === "chosen" && g.via === "content").length,
      all_rejected: out.filter((g) => g.status === "all_rejected").length,
      ambiguous: out.filter((g) => g.status === "ambiguous").length,
      crops,
      failures,
      unmatched_finals: unmatched.sort(),
      resumed,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      outputs: null,
    };
    if (o.outDir !== null) {
      report.outputs = await writeOutputs(o.outDir, {
        report,
        groups: out,
        sessionId: o.sessionId ?? `historical_extraction_${o.project}`,
      });
    }
    return { report, groups: out };
  }
}
