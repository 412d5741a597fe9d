/**
 * Stage names and filename parsing: `YYYYMMDD_HHMMSS_stage<N>_<name>.<ext>`.
 *
 * @module
 */
import type { Stage } from "../types.ts";

/** The creator's pipeline stages: name (as in filenames) → numeric order. */
export const DEFAULT_STAGES: Readonly<Record<string, number>> = Object.freeze({
  "stage1_generated": 1,
  "stage1.5_face_swapped": 1.5,
  "stage2_upscaled": 2,
  "stage3_enhanced": 3,
});

/** Options for {@linkcode parseStage}. */
export interface ParseStageOptions {
  /** Stage names → numbers; a creator may add a stage. */
  stages?: Readonly<Record<string, number>>;
}

const defaults = { stages: DEFAULT_STAGES } satisfies Required<ParseStageOptions>;

const STAGE_TOKEN = /(?:^|_)(stage\d+(?:\.\d+)?_[a-z0-9]+(?:_[a-z0-9]+)*?)(?=\.[^.]+$|$)/i;

// Stage tables are read on every file name: keep their lower-cased entries.
const ENTRIES = new WeakMap<object, [string, number][]>();
function stageEntries(stages: Readonly<Record<string, number>>): [string, number][] {
  let e = ENTRIES.get(stages);
  if (e === undefined) {
    e = Object.entries(stages).map(([k, v]) => [k.toLowerCase(), v]);
    ENTRIES.set(stages, e);
  }
  return e;
}

/**
 * The stage of a file from its name, or `null` when it names no known stage
 * (explicitly unknown — never 0).
 *
 * @param filename A base name or path.
 * @param options Configurable stage table.
 * @returns The numeric stage or null.
 * @example
 * ```ts
 * parseStage("20250708_064118_stage1.5_face_swapped.png"); // 1.5
 * parseStage("20250708_064118_stage9_mystery.png"); // null
 * ```
 */
export function parseStage(filename: string, options: ParseStageOptions = {}): Stage {
  const { stages } = { ...defaults, ...options };
  const base = basename(filename);
  const stem = base.replace(/\.[^.]+$/, "");
  // Try the longest configured name that the stem contains after the timestamp.
  let best: { name: string; value: number } | undefined;
  const lower = stem.toLowerCase();
  for (const [name, value] of stageEntries(stages)) {
    const idx = lower.indexOf(name);
    if (idx < 0) continue;
    const before = idx === 0 || lower[idx - 1] === "_";
    const after = idx + name.length === lower.length || lower[idx + name.length] === "_";
    if (before && after && (best === undefined || name.length > best.name.length)) {
      best = { name, value };
    }
  }
  if (best !== undefined) return best.value;
  return null;
}

/**
 * The raw stage token in a name (`stage1.5_face_swapped`), known or not.
 *
 * @param filename A base name or path.
 * @returns The token or null when the name has none.
 * @example
 * ```ts
 * stageToken("20250708_064118_stage9_mystery.png"); // "stage9_mystery"
 * ```
 */
export function stageToken(filename: string): string | null {
  const m = STAGE_TOKEN.exec(basename(filename));
  return m?.[1] ?? null;
}

/**
 * Timestamp from the first 15 characters `YYYYMMDD_HHMMSS` of a file name,
 * as UTC milliseconds; `null` when absent or not a real date.
 *
 * @param filename A base name or path.
 * @returns Milliseconds since the epoch, or null.
 * @example
 * ```ts
 * parseFilenameTimestamp("20250708_064118_stage1_generated.png"); // Date.UTC(2025, 6, 8, 6, 41, 18)
 * ```
 */
export function parseFilenameTimestamp(filename: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})/.exec(basename(filename));
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (
    back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d ||
    h > 23 || mi > 59 || s > 59
  ) return null;
  return ms;
}

/**
 * Base name of a path (handles both `/` and `\`).
 *
 * @param path A path.
 * @returns The last segment.
 * @example
 * ```ts
 * basename("a/b/c.png"); // "c.png"
 * ```
 */
export function basename(path: string): string {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * File stem: the base name without its last extension.
 *
 * @param path A path.
 * @returns The stem.
 * @example
 * ```ts
 * stemOf("x/20250708_064118_stage1_generated.png"); // "20250708_064118_stage1_generated"
 * ```
 */
export function stemOf(path: string): string {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Group stem: the name before `_stage` (used for `<group stem>.decision`).
 *
 * @param path A path.
 * @returns The part before `_stage`, or the stem when there is none.
 * @example
 * ```ts
 * groupStemOf("20250708_064118_stage1_generated.png"); // "20250708_064118"
 * ```
 */
export function groupStemOf(path: string): string {
  const stem = stemOf(path);
  const i = stem.toLowerCase().indexOf("_stage");
  return i > 0 ? stem.slice(0, i) : stem;
}
