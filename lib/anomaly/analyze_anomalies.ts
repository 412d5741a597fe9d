/**
 * Anomaly analysis: a set is an anomaly when the chosen image's stage is
 * lower than the highest rejected stage (1.5 counts as a stage).
 *
 * @module
 */
import type { SelectionKind, SelectionSet, SourceRef } from "../types.ts";

/** A set whose members live in more than one work folder. */
export interface MixedSet {
  set_id: string;
  source: SourceRef;
  dirs: string[];
}

/** Statistics of one project (or of all). */
export interface AnomalyStats {
  sets: number;
  pairs: number;
  /** Sets whose member stages are all known. */
  evaluable: number;
  unknown_stage: number;
  anomalies: number;
  /** anomalies / evaluable, or null when nothing is evaluable. */
  anomaly_rate: number | null;
  /** `"<chosen>-><max rejected>"` → sets (all evaluable sets). */
  transitions: Record<string, number>;
  /** Members per set → sets. */
  group_sizes: Record<string, number>;
  mixed_directories: number;
  mixed: MixedSet[];
  by_kind: Record<string, number>;
}

/** The whole analysis. */
export interface AnomalyReport {
  projects: Record<string, AnomalyStats>;
  total: AnomalyStats;
}

/** Options for {@linkcode analyzeAnomalies}. */
export interface AnalyzeAnomaliesOptions {
  /** Only sets of these kinds (all when null). */
  kinds?: readonly SelectionKind[] | null;
}

const defaults = { kinds: null } satisfies Required<AnalyzeAnomaliesOptions>;

/**
 * Whether a set is an anomaly: chosen stage < highest rejected stage; null
 * when a stage is unknown.
 *
 * @param set A selection set.
 * @returns True, false or null (not evaluable).
 * @example
 * ```ts
 * declare const set: Parameters<typeof isAnomaly>[0];
 * isAnomaly(set); // true when stage1 was kept over stage1.5
 * ```
 */
export function isAnomaly(set: SelectionSet): boolean | null {
  const c = set.chosen.stage;
  const rej = set.rejected.map((r) => r.stage);
  if (c === null || rej.length === 0 || rej.some((s) => s === null)) return null;
  return c < Math.max(...(rej as number[]));
}

function empty(): AnomalyStats {
  return {
    sets: 0,
    pairs: 0,
    evaluable: 0,
    unknown_stage: 0,
    anomalies: 0,
    anomaly_rate: null,
    transitions: {},
    group_sizes: {},
    mixed_directories: 0,
    mixed: [],
    by_kind: {},
  };
}

function add(st: AnomalyStats, set: SelectionSet): void {
  const inc = (c: Record<string, number>, k: string): void => {
    c[k] = (c[k] ?? 0) + 1;
  };
  st.sets++;
  st.pairs += set.rejected.length;
  inc(st.by_kind, set.kind);
  inc(st.group_sizes, String(set.rejected.length + 1));
  const a = isAnomaly(set);
  if (a === null) st.unknown_stage++;
  else {
    st.evaluable++;
    if (a) st.anomalies++;
    const maxRej = Math.max(...set.rejected.map((r) => r.stage as number));
    inc(st.transitions, `${set.chosen.stage}->${maxRej}`);
  }
  if (set.mixed_directories) {
    st.mixed_directories++;
    const dirs = [...new Set([set.chosen, ...set.rejected].map((m) => m.dir))].sort();
    st.mixed.push({ set_id: set.set_id, source: set.source, dirs });
  }
}

/**
 * Per-project anomaly statistics: sets, pairs, anomaly count and rate,
 * stage-transition table (chosen → max rejected), group-size histogram, sets
 * mixing directories.
 *
 * @param sets Selection sets (e.g. from `readIngested`).
 * @param options Which kinds of sets to include.
 * @returns Stats per project and in total.
 * @example
 * ```ts
 * declare const selections: Parameters<typeof analyzeAnomalies>[0];
 * const report = analyzeAnomalies(selections);
 * report.projects["mojo1"]?.anomalies;
 * ```
 */
export function analyzeAnomalies(
  sets: readonly SelectionSet[],
  options: AnalyzeAnomaliesOptions = {},
): AnomalyReport {
  const { kinds } = { ...defaults, ...options };
  const projects: Record<string, AnomalyStats> = {};
  const total = empty();
  for (const set of sets) {
    if (kinds !== null && !kinds.includes(set.kind)) continue;
    const st = projects[set.project] ?? (projects[set.project] = empty());
    add(st, set);
    add(total, set);
  }
  for (const st of [...Object.values(projects), total]) {
    st.anomaly_rate = st.evaluable > 0 ? st.anomalies / st.evaluable : null;
  }
  return { projects, total };
}
