/**
 * Coverage of an extraction, in the same shape as training's: delivered
 * images (the labels) found as raw group members, and their crops recovered.
 *
 * @module
 */
import type { Coverage, KindCoverage } from "../eval/mod.ts";
import type { ExtractReport } from "./types.ts";

/**
 * The coverage of one extraction: kind `extraction` (delivered images
 * matched to a raw member, by name or by content; the unmatched ones with
 * where keeper looked) and `crop` (matched picks whose crop was recovered).
 *
 * @param r The extraction report.
 * @returns The coverage (kinds with labels only).
 * @example
 * ```ts
 * import { extractHistory } from "./extract_history.ts";
 * declare const raw: string, final: string;
 * const { report } = await extractHistory(raw, final, { project: "mojo1" });
 * extractCoverage(report).kinds.extraction?.missing;
 * ```
 */
export function extractCoverage(r: ExtractReport): Coverage {
  const matched = r.chosen_by_name + r.chosen_by_content;
  const missing = r.unmatched_finals.length;
  const sel: KindCoverage = {
    labels: r.final_images,
    found: matched,
    missing,
    conflicts: r.ambiguous,
    no_features: 0,
    usable: matched,
    by_project: {},
    examples: r.unmatched_finals.slice(0, 5).map((path) => ({
      path,
      identity: `${r.project}/${path.slice(path.lastIndexOf("/") + 1)}`,
      source: r.final,
      looked: `${r.raw} (by name, then by content)`,
      why: "missing" as const,
    })),
  };
  // Delivered images neither matched nor listed unmatched (e.g. unreadable) still count as labels.
  sel.no_features = Math.max(0, sel.labels - sel.found - sel.missing - sel.conflicts);
  const recovered = r.crops.recovered + r.crops.full_frame;
  const crop: KindCoverage = {
    labels: matched,
    found: recovered,
    missing: r.crops.low_score + r.crops.failed,
    conflicts: 0,
    no_features: 0,
    usable: recovered,
    by_project: {},
    examples: [],
  };
  const counts = (k: KindCoverage) => {
    const { by_project: _b, examples: _e, ...c } = k;
    return c;
  };
  sel.by_project[r.project] = counts(sel);
  crop.by_project[r.project] = counts(crop);
  const kinds: Coverage["kinds"] = {};
  if (sel.labels > 0) kinds.extraction = sel;
  if (crop.labels > 0) kinds.crop = crop;
  return { looked_in: [r.raw], kinds };
}
