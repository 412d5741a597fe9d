/**
 * The types of history extraction, in their own file so the extraction steps (`_outputs.ts`,
 * `_resolve_group.ts`, `_match_by_content.ts`) and `extract_history.ts` do not import each other
 * in a circle.
 *
 * @module
 */
import type { GroupImagesOptions } from "../group/mod.ts";
import type { CropMatch } from "./find_crop_box.ts";

/** Options for `extractHistory`. */
export interface ExtractOptions {
  /** Project id of the raw and final folders (required). */
  project?: string;
  /** Where logs, report and resume state go; null writes nothing. */
  outDir?: string | null;
  /** Crop boxes scoring below this (NCC) are reported, not written as labels. */
  minCropScore?: number;
  /** A content match needs at least this NCC. */
  minMatchScore?: number;
  /** Content match: the runner-up must be worse by this much (NCC) or it is ambiguous. */
  ambiguityMargin?: number;
  /** Content prefilter: how many raw images (best thumbnail matches) are verified at full size. */
  candidates?: number;
  /** Grouping options passed to `groupImages` (stage runs; content tier off by default). */
  grouping?: GroupImagesOptions;
  /** Session id written in the logs (`*extraction*` marks rows as reconstructed). */
  sessionId?: string | null;
  /** Called after each content match and each group with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** What extraction concluded for one group. */
export interface ExtractedGroup {
  /** Stable id: `<project>/<first member's stem>`. */
  group_id: string;
  /** Member paths relative to the raw folder, in stage order. */
  members: string[];
  /** Member dimensions (null when unreadable). */
  sizes: ({ width: number; height: number } | null)[];
  status: "chosen" | "all_rejected" | "ambiguous";
  /** Why a group is ambiguous (`two_survivors`); `delivered_twice` for a member delivered more than once. */
  reason: string | null;
  chosen_index: number | null;
  via: "name" | "content" | null;
  /** Delivered file, relative to the final folder. */
  final_path: string | null;
  /** Character (first sub-folder of the final tree), when there is one. */
  character: string | null;
  crop: {
    status: "full_frame" | "recovered" | "low_score" | "failed";
    /** `[x1, y1, x2, y2]` in raw pixels (null unless full frame or recovered). */
    box: [number, number, number, number] | null;
    score: number | null;
    mad: number | null;
    reason: string | null;
  } | null;
}

/** The extraction report (also `extract_report.json`). */
export interface ExtractReport {
  project: string;
  raw: string;
  final: string;
  raw_images: number;
  final_images: number;
  groups: number;
  singletons: number;
  chosen_by_name: number;
  chosen_by_content: number;
  all_rejected: number;
  ambiguous: number;
  crops: { full_frame: number; recovered: number; low_score: number; failed: number };
  /** Failures and ambiguities by reason. */
  failures: Record<string, number>;
  /** Delivered images matched to no raw group member. */
  unmatched_finals: string[];
  /** Groups taken from a previous run's state instead of recomputed. */
  resumed: number;
  seconds: number;
  outputs: Record<string, string> | null;
}

/** A delivered file matched to a raw member by content. */
export interface FinalMatch {
  final: string;
  raw: string;
  match: CropMatch;
}
