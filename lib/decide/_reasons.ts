/**
 * Sentences a person understands, built from what drove a decision.
 *
 * @module
 */
import type { Box, GroupingKind, RankResult, Stage } from "../types.ts";

/** `1.5` → "1.5", `2` → "2". */
function st(stage: Stage): string {
  return stage === null ? "?" : String(stage);
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** Inputs of {@linkcode selectionReasons}. */
export interface SelectionContext {
  kind: GroupingKind;
  stages: Stage[];
  names: string[];
  /** Indexes into stages/names of the members the ranker saw (readable ones). */
  ranked: number[];
  rank: RankResult;
  /** Position in `ranked` of the pick. */
  chosen: number;
  confidence: number;
  margin: number;
  unreadable: number;
  lowConfidence: boolean;
  /** Scores come from a trained ranker (not the highest-stage fallback). */
  learned: boolean;
}

/** What each stage step does, for "possible <step> defect". */
const STEP_OF: Record<string, string> = { "1.5": "face-swap", "2": "upscaler", "3": "enhancer" };

/** Ranker notes that say more than the score comparison itself. */
function extraNotes(rank: RankResult, i: number): string | null {
  const notes = (rank.notes[i] ?? []).map((n) => n.trim()).filter((n) =>
    n !== "" && !/^(much lower|lower|close call|highest|preferred over)/.test(n)
  );
  return notes.length > 0 ? notes.join("; ") : null;
}

/** Reasons for the pick (step 1). */
export function selectionReasons(c: SelectionContext): string[] {
  const out: string[] = [];
  if (c.kind === "exact_duplicate") {
    out.push("these files are byte-identical copies: keeping one is enough");
  } else if (c.kind === "variant") {
    out.push("grouped by visual similarity (the names carry no stage run)");
  }
  const ci = c.ranked[c.chosen]!;
  const cs = c.stages[ci] ?? null;
  const known = c.ranked.map((k) => c.stages[k] ?? null).filter((s): s is number => s !== null);
  const top = known.length > 0 ? Math.max(...known) : null;
  if (c.ranked.length === 1) {
    out.push(`kept ${c.names[ci]}: the only readable image in the group`);
  } else if (c.kind === "exact_duplicate") {
    out.push(`kept ${c.names[ci]}, the first by name: the copies are the same picture`);
    if (c.unreadable > 0) out.push(`${c.unreadable} copy(ies) could not be read`);
    return out;
  } else if (cs !== null && top !== null && cs === top) {
    const extra = extraNotes(c.rank, c.chosen);
    if (!c.learned) out.push("highest stage (no trained ranker yet: the highest stage wins)");
    else if (extra === null) out.push("highest stage, no defect signals");
    else out.push(`highest stage (stage ${st(cs)}): ${extra}`);
  } else if (cs !== null && top !== null && cs < top) {
    const ti = c.ranked.findIndex((k) => c.stages[k] === top);
    const gap = ti >= 0 ? (c.rank.scores[c.chosen] ?? 0) - (c.rank.scores[ti] ?? 0) : 0;
    const how = gap > 2 ? "much lower" : gap > 0.5 ? "lower" : "slightly lower";
    // The stage right above the pick: a defect made there is carried into every later stage.
    const above = c.ranked
      .map((k, i) => ({ i, s: c.stages[k] ?? null }))
      .filter((x): x is { i: number; s: number } => x.s !== null && x.s > cs)
      .sort((a, b) => a.s - b.s)[0];
    const origin = above?.s ?? top;
    const step = STEP_OF[String(origin)];
    const extras = [
      ...new Set([above?.i, ti].filter((i): i is number => i !== undefined && i >= 0)),
    ]
      .map((i) => extraNotes(c.rank, i))
      .filter((x): x is string => x !== null);
    const extra = extras.length > 0 ? extras.join("; ") : null;
    out.push(
      `kept stage ${st(cs)} over stage ${st(top)}: stage ${st(top)} scored ${how} on learned ` +
        `quality${step ? ` (possible ${step} defect)` : ""}${extra ? `; ${extra}` : ""}`,
    );
  } else {
    const extra = extraNotes(c.rank, c.chosen);
    out.push(`kept ${c.names[ci]}: highest learned quality score${extra ? `; ${extra}` : ""}`);
  }
  if (c.ranked.length > 1) {
    const order = c.rank.probabilities.map((p, i) => ({ p, i })).sort((a, b) => b.p - a.p);
    const second = order[1];
    if (second !== undefined) {
      const k = c.ranked[second.i]!;
      const label = c.stages[k] !== null && c.kind === "stage_run"
        ? `stage ${st(c.stages[k] ?? null)}`
        : c.names[k];
      out.push(`${pct(c.confidence)} sure; next best ${label} at ${pct(second.p)}`);
    }
  }
  if (c.lowConfidence) out.push("low confidence: worth a look");
  if (c.unreadable > 0) {
    out.push(`${c.unreadable} image(s) could not be read and were not considered`);
  }
  return out;
}

/** Reasons for the crop (step 2). */
export function cropReasons(
  needs: boolean,
  pNeeds: number,
  box: Box | null,
  confidence: number,
  fallback: boolean,
): string[] {
  if (!needs || box === null) {
    return [`no crop: images like this are usually kept whole (crop likelihood ${pct(pNeeds)})`];
  }
  const [x1, y1, x2, y2] = box;
  const out: string[] = [];
  if (fallback) {
    out.push(
      `crop: no trained crop model yet, so the creator's median top-anchored crop, bottom at ${
        pct(y2)
      }`,
    );
  } else if (y1 < 0.02) {
    out.push(`crop: your usual top-anchored crop for this project, bottom at ${pct(y2)}`);
  } else {
    out.push(
      `crop: keeps ${pct(x2 - x1)} of the width and the band from ${pct(y1)} to ${
        pct(y2)
      } of the height`,
    );
  }
  if (!fallback && confidence < 0.5) {
    out.push(`box confidence ${pct(confidence)}: check the framing`);
  }
  return out;
}
