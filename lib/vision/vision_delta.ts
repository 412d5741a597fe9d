/**
 * Group-relative vision evidence for ranking: how each member's face/hand/body evidence differs
 * from the previous stage and from the group, and short reasons citing the changes.
 *
 * @module
 */
import { visionBlockIndex, type VisionBlockName } from "./vision_block.ts";

/** The `vision` block values that are compared across a group. */
export const DELTA_KEYS = [
  "face_count",
  "face_score",
  "face_mesh_score",
  "hand_count",
  "hand_score_max",
  "body_score",
  "keypoint_fraction",
  "person_score",
] as const satisfies readonly VisionBlockName[];

/**
 * Names of the {@linkcode visionDelta} values, in order: for each key of
 * {@linkcode DELTA_KEYS}, `<key>_d_prev` (minus the previous member; 0 for the first),
 * `<key>_d_max` (minus the group maximum, ≤ 0) and `<key>_d_mean` (minus the group mean).
 */
export const VISION_DELTA_LAYOUT: readonly string[] = DELTA_KEYS.flatMap((k) => [
  `${k}_d_prev`,
  `${k}_d_max`,
  `${k}_d_mean`,
]);

/** Length of each {@linkcode visionDelta} output. */
export const VISION_DELTA_DIM: number = VISION_DELTA_LAYOUT.length;

/**
 * Group-relative evidence: one delta vector per member (layout {@linkcode VISION_DELTA_LAYOUT}).
 * Members must be in stage order so that "previous" means the stage before.
 *
 * @param blocks The members' `vision` blocks, in stage order.
 * @returns One Float32Array of length {@linkcode VISION_DELTA_DIM} per member.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const members: GroupMemberInput[];
 * const deltas = visionDelta(members.map((m) => m.features.blocks!.vision!));
 * ```
 */
export function visionDelta(blocks: readonly Float32Array[]): Float32Array[] {
  const idx = DELTA_KEYS.map((k) => visionBlockIndex(k));
  const max = idx.map((i) => Math.max(...blocks.map((b) => b[i] ?? 0)));
  const mean = idx.map((i) => blocks.reduce((a, b) => a + (b[i] ?? 0), 0) / blocks.length);
  return blocks.map((b, m) => {
    const out = new Float32Array(VISION_DELTA_DIM);
    const prev = m > 0 ? blocks[m - 1] : undefined;
    idx.forEach((i, k) => {
      const v = b[i] ?? 0;
      out[3 * k] = prev ? v - (prev[i] ?? 0) : 0;
      out[3 * k + 1] = v - (max[k] ?? 0);
      out[3 * k + 2] = v - (mean[k] ?? 0);
    });
    return out;
  });
}

/** Options for {@linkcode visionReasons}. */
export interface VisionReasonsOptions {
  /** Smallest change of a confidence (0-1) worth a phrase. */
  minChange?: number;
  /** At most this many phrases per member, biggest change first. */
  maxPhrases?: number;
}

/** Defaults of {@linkcode visionReasons}. */
export const visionReasonsDefaults = {
  minChange: 0.2,
  maxPhrases: 2,
} satisfies Required<VisionReasonsOptions>;

/**
 * Short human-readable phrases about what changed from the previous member, e.g.
 * `"stage 2: face confidence fell from 0.93 to 0.41"` or `"stage 2: face vanished (0.93 at
 * stage 1)"`. The first member gets none.
 *
 * @param blocks The members' `vision` blocks, in stage order.
 * @param labels One label per member, e.g. `"stage 2"`.
 * @param options Minimum change and number of phrases.
 * @returns Phrases per member (same order), biggest change first.
 * @example
 * ```ts
 * declare const b1: Float32Array, b2: Float32Array;
 * visionReasons([b1, b2], ["stage 1", "stage 2"]); // [[], ["stage 2: face confidence fell from 0.93 to 0.41"]]
 * ```
 */
export function visionReasons(
  blocks: readonly Float32Array[],
  labels: readonly string[],
  options: VisionReasonsOptions = {},
): string[][] {
  if (labels.length !== blocks.length) {
    throw new RangeError(
      `Cannot explain vision changes: ${blocks.length} blocks but ${labels.length} labels`,
    );
  }
  const o = { ...visionReasonsDefaults, ...options };
  const get = (b: Float32Array, k: VisionBlockName): number => b[visionBlockIndex(k)] ?? 0;
  const f2 = (x: number): string => x.toFixed(2);
  return blocks.map((cur, m) => {
    const prev = m > 0 ? blocks[m - 1] : undefined;
    if (!prev) return [];
    const label = labels[m] ?? "";
    const prevLabel = labels[m - 1] ?? "";
    const found: [number, string][] = [];
    const faces = [Math.round(get(prev, "face_count") * 3), Math.round(get(cur, "face_count") * 3)];
    const face = [get(prev, "face_score"), get(cur, "face_score")] as const;
    if (faces[0]! > 0 && faces[1] === 0) {
      found.push([face[0] + 1, `${label}: face vanished (${f2(face[0])} at ${prevLabel})`]);
    } else if (faces[0] === 0 && faces[1]! > 0) {
      found.push([face[1] + 1, `${label}: a face appeared (${f2(face[1])})`]);
    } else {
      confidence(found, "face", face[0], face[1], o.minChange, label);
    }
    const hands = [Math.round(get(prev, "hand_count") * 4), Math.round(get(cur, "hand_count") * 4)];
    if (hands[0] !== hands[1]) {
      const verb = hands[1]! < hands[0]! ? "fell" : "rose";
      found.push([0.5, `${label}: hands ${verb} from ${hands[0]} to ${hands[1]}`]);
    } else {
      const hand = [get(prev, "hand_score_max"), get(cur, "hand_score_max")] as const;
      confidence(found, "hand", hand[0], hand[1], o.minChange, label);
    }
    const kp = [get(prev, "keypoint_fraction"), get(cur, "keypoint_fraction")] as const;
    if (Math.abs(kp[1] - kp[0]) >= o.minChange) {
      const verb = kp[1] < kp[0] ? "fell" : "rose";
      const [a, b] = [Math.round(kp[0] * 17), Math.round(kp[1] * 17)];
      found.push([
        Math.abs(kp[1] - kp[0]),
        `${label}: body keypoints seen ${verb} from ${a} to ${b}`,
      ]);
    }
    return found.sort((a, b) => b[0] - a[0]).slice(0, o.maxPhrases).map(([, s]) => s);
  });
}

/** Push a "<what> confidence fell/rose from a to b" phrase when the change is big enough. */
function confidence(
  found: [number, string][],
  what: string,
  a: number,
  b: number,
  minChange: number,
  label: string,
): void {
  if (Math.abs(b - a) < minChange) return;
  const verb = b < a ? "fell" : "rose";
  found.push([
    Math.abs(b - a),
    `${label}: ${what} confidence ${verb} from ${a.toFixed(2)} to ${b.toFixed(2)}`,
  ]);
}
