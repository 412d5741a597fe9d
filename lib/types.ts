/**
 * Records shared across `lib/` folders. Types owned by a single module live
 * with that module; these are the ones several modules exchange.
 *
 * @module
 */

/**
 * A pipeline stage as a number (`1`, `1.5`, `2`, `3`, or a configured extra),
 * or `null` when the filename carries no known stage (never silently 0).
 */
export type Stage = number | null;

/** A normalised crop box `[x1, y1, x2, y2]` in [0, 1], x1 < x2, y1 < y2. */
export type Box = [number, number, number, number];

/** Where a record came from: file and 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** An image as named by a log, resolved to keeper's identity (project, filename). */
export interface ImageRef {
  /** Project id after alias resolution (e.g. `aiko_raw`), or `null` when unresolved. */
  project: string | null;
  /** Base name, e.g. `20250708_064118_stage1_generated.png`. */
  filename: string;
  /** The path exactly as written in the log. */
  path: string;
  /** Directory after root stripping, e.g. `mojo1` or `mojo1_final/_young brunette curly`. */
  dir: string;
  stage: Stage;
  /**
   * sha256 of the file's bytes when the log recorded it (review decisions do):
   * finds the file again after it moved to a folder that names no project.
   */
  sha256?: string;
}

/** Where a selection label came from. */
export type SelectionKind = "selection_log" | "anomaly_export" | "review" | "extraction";

/** One set of variants with the creator's choice (ingested, normalised). */
export interface SelectionSet {
  kind: SelectionKind;
  source: SourceRef;
  session_id: string;
  set_id: string;
  project: string;
  chosen: ImageRef;
  /** The other members of the set (never another project's). */
  rejected: ImageRef[];
  /** ISO time when known, else the raw text. */
  timestamp: string;
  /** Members live in more than one directory (a grouping artefact). */
  mixed_directories: boolean;
  /** The review action when kind = "review" ("approve" | "override" | "reject" | "skip"). */
  action?: string;
}

/** One crop label (ingested, normalised). */
export interface CropLabel {
  source: SourceRef;
  session_id: string;
  set_id: string;
  project: string;
  image: ImageRef;
  width: number;
  height: number;
  /** Normalised box; `[0, 0, 1, 1]` when `no_crop`. */
  box: Box;
  no_crop: boolean;
  units: "pixel" | "normalized";
  /** Number of coordinates clamped into [0, 1]. */
  clamped: number;
  timestamp: string;
  /**
   * Set on a later row for an image already cropped earlier (a second pass of
   * the crop tool over the already-cropped file: its box is relative to the
   * cropped file, not the original). `readIngested` leaves these out by default.
   */
  recrop?: boolean;
}

/** "This file was kept" without coordinates (historical extraction logs). */
export interface KeptLabel {
  source: SourceRef;
  session_id: string;
  project: string;
  image: ImageRef;
  timestamp: string;
}

/** A row that could not be used, with its reason. */
export interface Rejection {
  file: string;
  line: number;
  reason: string;
  field?: string;
  detail?: string;
}

/** One image of an automation decision. */
export interface DecisionImage {
  path: string;
  sha256: string;
  stage: Stage;
  width: number;
  height: number;
  score: number;
  /** The ranker's calibrated probability that this is the pick (optional). */
  probability?: number;
}

/** How a decision's group was formed (lib/group). */
export type GroupingKind = "stage_run" | "exact_duplicate" | "variant";

/** One record of `sandbox/automation_decisions.jsonl` (see lib/decisions schema). */
export interface AutomationDecision {
  group_id: string;
  project: string;
  created: string;
  /** How the group was formed (optional; absent in older files). */
  grouping?: GroupingKind;
  models: { ranker: string; crop: string; embedder: string };
  images: DecisionImage[];
  step1_selection: {
    chosen_index: number;
    chosen: string;
    confidence: number;
    margin: number;
    reasons: string[];
    auto_approvable: boolean;
  };
  step2_crop: {
    needs_crop: boolean;
    box: Box | null;
    confidence: number;
    reasons: string[];
  };
  flags: string[];
}

/** A review action. */
export type ReviewAction = "approve" | "reject" | "override" | "skip";

/** One record of `sandbox/approved_decisions.jsonl` (see lib/decisions schema). */
export interface ApprovedDecision {
  group_id: string;
  action: ReviewAction;
  /** Index into the decision's `images` of the final pick; null for reject/skip. */
  final_choice: number | null;
  /** Final crop, normalised; null for no crop. */
  crop_coords: Box | null;
  /** Set when the person asked to crop by hand later. */
  manual_crop?: boolean;
  ai_choice: number;
  ai_crop: Box | null;
  timestamp: string;
  seconds_spent: number;
}

/**
 * Everything keeper derives from one decode of an image (owned by lib/embed,
 * cached by content hash). Consumers: lib/group, lib/rank, lib/crop, decide.
 */
export interface ImageFeatures {
  /** sha256 of the file bytes (hex). */
  sha256: string;
  width: number;
  height: number;
  /** 64-bit DCT pHash as two uint32 halves [hi, lo]. */
  phash: [number, number];
  /** Built-in technical-quality features (documented in lib/embed). */
  builtin: Float32Array;
  /** L2-normalised encoder embedding, or null when no encoder was configured. */
  embedding: Float32Array | null;
  /** Extra feature blocks by name (e.g. "vision"), each documented by its owner. */
  blocks?: Record<string, Float32Array>;
}

/** One member of a group as the ranker and crop proposer see it. */
export interface GroupMemberInput {
  path: string;
  project: string;
  stage: Stage;
  width: number;
  height: number;
  features: ImageFeatures;
}

/** The ranker's answer for one group. */
export interface RankResult {
  /** Raw score per member (same order as the input). */
  scores: number[];
  /** Calibrated probability that each member is the creator's pick (sums to 1). */
  probabilities: number[];
  /** Per-member short explanations of what drove the score (for reasons). */
  notes: string[][];
  /** Highest P(step broken) the chain model gives any step of the group (absent: no chain model). */
  suspicion?: number;
  /**
   * Whether the pick is inside the ranker's auto-approve band (its project's threshold
   * reached, no step suspected broken); absent when the ranker has no band of its own.
   */
  auto_approvable?: boolean;
}

/** The crop proposer's answer for one image. */
export interface CropProposal {
  /** Calibrated probability that the creator would crop this image. */
  needs_crop: number;
  /** Proposed normalised box (aspect-locked, inside the image). */
  box: Box;
  /** Confidence in the box (0-1). */
  confidence: number;
}
