/**
 * Records of lib/apply: the plan, its steps, problems and summaries.
 *
 * @module
 */
import type { Box, ReviewAction } from "../types.ts";

/** What one plan step does. */
export type StepKind = "mkdir" | "move" | "copy" | "crop";

/** One file operation of a plan. Paths are POSIX and relative to the sandbox root. */
export interface PlanStep {
  /** Position in `plan.steps` (the journal refers to steps by it). */
  index: number;
  /** The group the step belongs to (`""` for the folders a run creates first). */
  group_id: string;
  kind: StepKind;
  /** Source file (`""` for mkdir). */
  source: string;
  /** Destination file or folder; never exists before the step. */
  dest: string;
  /** Why, in words (`selected`, `not selected`, `companion of …`, `crop of …`). */
  reason: string;
  /** sha256 of the source bytes when planned (`""` for mkdir). */
  sha256: string;
  /** Source size in bytes (0 for mkdir). */
  size: number;
  /** Source inode and modification time when planned (a cheap re-check before anything moves). */
  ino?: number;
  mtime_ms?: number;
  /** Crop box, normalised (crop steps only). */
  box?: Box;
}

/** The kinds of trouble a plan reports. */
export type ProblemKind =
  | "malformed_record"
  | "interrupted_run"
  | "unknown_group"
  | "duplicate_group"
  | "invalid_choice"
  | "outside_sandbox"
  | "parent_segment"
  | "symlink"
  | "missing_image"
  | "not_a_file"
  | "hash_mismatch"
  | "missing_companion"
  | "shared_file"
  | "destination_exists"
  | "duplicate_destination"
  | "bad_folder"
  | "bad_run_id"
  | "unverified_image"
  | "unreadable_image"
  | "crop_too_small"
  | "image_too_large"
  | "bad_project";

/** One reported problem; any `error` blocks the whole run (nothing moves). */
export interface PlanProblem {
  kind: ProblemKind;
  severity: "error" | "warning";
  /** The record it concerns, e.g. `approved_decisions.jsonl:7 (g_0123456789abcdef)`. */
  record: string;
  group_id: string | null;
  message: string;
}

/** What a plan does with one approved-decision record. */
export interface PlanGroup {
  group_id: string;
  action: ReviewAction;
  /** 1-based line in the approved-decisions file. */
  line: number;
  outcome: "apply" | "unchanged" | "already_applied" | "refused";
  /** Final image (relative path) for approve/override. */
  final: string | null;
  crop: boolean;
  manual_crop: boolean;
  steps: number;
}

/** Output folders (relative to the sandbox root). */
export interface ApplyFolders {
  /** Final images without crop, with companions. */
  selected: string;
  /** New cropped files, with copies of the companions. */
  cropped: string;
  /** Uncropped originals of cropped picks, with companions (kept, never overwritten). */
  uncropped: string;
  /** Picks the person will crop by hand (`manual_crop`). */
  manualCrop: string;
  /** The other members of applied groups (never deleted). */
  notSelected: string;
  /** Plans (`<run-id>.json`). */
  plans: string;
  /** Write-ahead journals (`<run-id>.jsonl`). */
  journal: string;
  /** Audit log (`file_operations.log`, FileTracker-compatible JSON lines). */
  logs: string;
}

/** Totals of a plan. */
export interface PlanTotals {
  groups: number;
  groups_applied: number;
  groups_unchanged: number;
  groups_already_applied: number;
  moves: number;
  copies: number;
  crops: number;
  mkdirs: number;
  conflicts: number;
  errors: number;
  warnings: number;
}

/** A complete apply plan, as written to `plans/<run-id>.json`. */
export interface ApplyPlan {
  version: 1;
  run_id: string;
  created: string;
  /** Absolute real path of the sandbox root when planned. */
  sandbox_root: string;
  approved_file: string;
  decisions_file: string;
  folders: ApplyFolders;
  steps: PlanStep[];
  groups: PlanGroup[];
  problems: PlanProblem[];
  totals: PlanTotals;
}

/** What an execution, recovery or rollback did. */
export interface ApplySummary {
  run_id: string;
  /** `committed`, `rolled_back`, or `nothing` when the run was already finished. */
  state: "committed" | "rolled_back" | "nothing";
  groups_applied: number;
  files_moved: number;
  files_copied: number;
  crops_written: number;
  folders_created: number;
  conflicts: number;
  /** Steps performed by this call (0 on a re-run of a finished run). */
  steps_done: number;
  journal: string;
  plan: string;
  rollback_command: string;
}
