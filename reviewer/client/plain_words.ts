/**
 * What a group's decision says in a creator's words: readable flag labels and
 * a few plain sentences about the pick, keeper's certainty and the crop. The
 * technical reasons (decide's own sentences, scores, margins) stay one click
 * away on the page.
 *
 * @module
 */
import type { GroupView } from "./api.ts";

/** Flags decide writes, as a person reads them. */
export const FLAG_LABELS: Record<string, string> = {
  anomaly_suspected: "A later stage looks worse (possible defect)",
  low_confidence: "keeper is unsure",
  unreadable_image: "An image could not be read",
  mixed_directories: "Images come from different folders",
  group_split: "A large group was split",
  outside_sandbox: "An image lies outside the sandbox",
};

/** A flag's label; unknown flags read as words ("new_flag" → "New flag"). */
export function flagLabel(flag: string): string {
  const known = FLAG_LABELS[flag];
  if (known !== undefined) return known;
  const words = flag.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const STAGE_NAMES: Record<string, string> = {
  "1": "generated",
  "1.5": "face-swapped",
  "2": "upscaled",
  "3": "enhanced",
};
/** The pipeline step that produced each stage (where its defects come from). */
const STEP_OF: Record<string, string> = { "1.5": "face swap", "2": "upscaler", "3": "enhancer" };

const stageName = (s: number | null): string =>
  s === null
    ? "unknown stage"
    : `stage ${s}${STAGE_NAMES[String(s)] ? ` · ${STAGE_NAMES[String(s)]}` : ""}`;

/** How sure, in words. */
export function certainty(confidence: number): string {
  const p = `${Math.round(confidence * 100)}%`;
  if (confidence >= 0.9) return `keeper is very sure (${p})`;
  if (confidence >= 0.7) return `keeper is fairly sure (${p})`;
  if (confidence >= 0.5) return `keeper is not very sure (${p}): have a look`;
  return `keeper is unsure (${p}): worth a close look`;
}

/**
 * The plain sentences for a group: the pick, why a later stage was passed
 * over (and which step may have broken it), certainty, and the crop.
 *
 * @param g The group as the page has it.
 * @returns Sentences, most important first.
 * @example
 * ```ts
 * declare const group: Parameters<typeof plainReasons>[0];
 * plainReasons(group)[0]; // "Keep image 3 (stage 2 · upscaled)."
 * ```
 */
export function plainReasons(g: GroupView): string[] {
  const pick = g.images[g.ai.choice];
  const out: string[] = [];
  if (pick === undefined) return ["keeper could not read any image of this group."];
  out.push(`Keep image ${g.ai.choice + 1} (${stageName(pick.stage)}).`);
  const later = g.images
    .filter((im) => im.stage !== null && pick.stage !== null && im.stage > pick.stage)
    .sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0));
  const next = later[0];
  if (next !== undefined) {
    const step = STEP_OF[String(next.stage)];
    out.push(
      `The later ${stageName(next.stage)} version (image ${next.index + 1}) looks worse${
        step ? `: possibly ${/^[aeiou]/.test(step) ? "an" : "a"} ${step} defect` : ""
      }. Compare them with F.`,
    );
  } else if (pick.stage !== null && g.images.length > 1) {
    out.push("It is the most finished stage of the group.");
  }
  out.push(`${certainty(g.ai.confidence).replace(/^k/, "K")}.`);
  const b = g.crop.needs_crop ? g.crop.box : null;
  if (b !== null) {
    const w = Math.round((b[2] - b[0]) * 100);
    const h = Math.round((b[3] - b[1]) * 100);
    out.push(`Suggested crop keeps ${w}% of the width and ${h}% of the height.`);
  } else {
    out.push("No crop suggested: keep the whole image.");
  }
  return out;
}
