/**
 * Records the simulator plans, renders and writes (ground truth included).
 *
 * @module
 */
import type { Box } from "../types.ts";

/** Defect kinds the simulator injects into higher stages. */
export type DefectKind =
  | "face_mismatch"
  | "smear"
  | "warp"
  | "color_cast"
  | "blown_highlights"
  | "duplicate_patch"
  | "tile_seam"
  | "ghosting"
  | "noise_burst"
  | "banding";

/** One injected defect (normalised geometry, so it applies at any resolution). */
export interface DefectPlan {
  kind: DefectKind;
  /** The stage whose image first carries it; every later stage inherits it. */
  origin_stage: number;
  /** 0 (invisible) .. 1 (obvious). */
  severity: number;
  /** Affected region, normalised `[x1, y1, x2, y2]` (the whole frame for global kinds). */
  box: Box;
  /** Kind-specific numbers (angles, gains, offsets), normalised where geometric. */
  params: Record<string, number>;
}

/**
 * Why the creator kept what they kept. `taste_ignored`: a project without the taste rule
 * kept an over-processed highest stage that a project with the rule would have passed over.
 */
export type Outcome = "highest" | "defect" | "taste" | "tolerated" | "taste_ignored";

/** The simulator's taste rules: over-sharpened/enhanced top, or a too-strong face swap. */
export type TasteRule = "sharpen" | "swap";

/** One project's creator habits. */
export interface ProjectPlan {
  id: string;
  title: string;
  characters: string[];
  /** Target share of logged sets where a lower stage is kept. */
  anomaly_rate: number;
  /** Defects below this severity are tolerated (highest stage kept anyway). */
  tolerance: number;
  /** Sharpen/enhance strength above which the creator prefers the stage below (taste). */
  taste_limit: number;
  /** False: this project has no taste rule (over-processed tops are kept); absent: true. */
  taste?: boolean;
  /**
   * Face-swap strength above which the creator drops the swap and keeps the stage below 1.5
   * (a second taste rule, about one kind of stage-1.5 change); absent: no such rule.
   */
  swap_limit?: number;
  crop: { k: number; k_sd: number; top_p: number; no_crop_p: number; x_sd: number };
  /** The subject-following creator's crop habit (`creator: "subject"`); absent: `crop` applies. */
  subject_crop?: SubjectCropHabit;
  start_ms: number;
}

/**
 * A crop habit that follows the subject (lib/sim/_art.ts): the frame starts `head_margin`
 * subject heights above the subject's top and ends `cut` (+ the character's offset) subject
 * heights below it; its centre is `face_weight` of the way from the figure's centre to the
 * face's, moved by `lean` crop sides. `_sd`: per-image noise.
 */
export interface SubjectCropHabit {
  head_margin: number;
  head_margin_sd: number;
  cut: number;
  cut_sd: number;
  face_weight: number;
  lean: number;
  x_sd: number;
  no_crop_p: number;
  character_cut: Record<string, number>;
}

/** The scene behind one group (stage1 framing; normalised). */
export interface ScenePlan {
  background: string;
  /** Background window in the source photo: left, top (fractions) and size fraction. */
  bg_window: [number, number, number];
  bg_gain: [number, number, number];
  /** Part of the character's subject region used: fractions `[x1, y1, x2, y2]`. */
  subject_part: Box;
  flip: boolean;
  /** Subject layer centre x, top y and height, normalised to the image. */
  cx: number;
  top: number;
  height: number;
  grade: [number, number, number];
}

/** One member (stage file) of a group. */
export interface MemberPlan {
  stage: number;
  /** Base name, `YYYYMMDD_HHMMSS_stage<N>_<name>.png`. */
  filename: string;
  time_ms: number;
  width: number;
  height: number;
  companions: { yaml: boolean; caption: boolean; txt: boolean };
}

/** Everything decided about one group before any pixel is drawn. */
export interface GroupPlan {
  group_id: string;
  project: string;
  character: string;
  split: "logged" | "heldout";
  seed: number;
  members: MemberPlan[];
  scene: ScenePlan;
  /** Visible subject extent, normalised. */
  subject_box: Box;
  face_box: Box;
  swap_strength: number;
  sharpen: number;
  enhance: number;
  defects: DefectPlan[];
  outcome: Outcome;
  /** Which taste rule a `taste` / `taste_ignored` group shows; absent otherwise. */
  taste_rule?: TasteRule;
  chosen_index: number;
  needs_crop: boolean;
  /** Normalised aspect-locked crop, or null for no crop. */
  crop_box: Box | null;
}

/** One line of `ground_truth.jsonl`. */
export interface GroundTruthRecord {
  group_id: string;
  project: string;
  character: string;
  split: "logged" | "heldout";
  /** Folder of the members, relative to the output root. */
  dir: string;
  members: {
    path: string;
    filename: string;
    stage: number;
    width: number;
    height: number;
    defects: { kind: DefectKind; severity: number; origin_stage: number; box: Box }[];
  }[];
  chosen_index: number;
  chosen_path: string;
  outcome: Outcome;
  /** Which taste rule a `taste` / `taste_ignored` group shows; absent otherwise. */
  taste_rule?: TasteRule;
  anomaly: boolean;
  defect_kinds: DefectKind[];
  needs_crop: boolean;
  crop_box: Box | null;
  subject_box: Box;
  face_box: Box;
}

/** What `simulate()` returns (and `--json` prints). */
export interface SimSummary {
  projects: string[];
  groups_logged: number;
  groups_heldout: number;
  images: number;
  /** Realised share of logged sets whose chosen stage is below the highest rejected one. */
  anomaly_rate_by_project: Record<string, number>;
  out: string;
}
