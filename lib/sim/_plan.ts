/**
 * Every random decision of a simulation, made before any pixel is drawn:
 * projects and their creator habits, group compositions, timestamps, sizes,
 * scenes, defects, the creator's pick and crop. Pure and seeded.
 *
 * @module
 */
import { DEFAULT_STAGES } from "../paths/mod.ts";
import type { Box } from "../types.ts";
import { makeRng, type Rng, seedOf } from "./_rng.ts";
import { planArtScene, planSubjectCrop } from "./_art.ts";
import type {
  DefectKind,
  DefectPlan,
  GroupPlan,
  MemberPlan,
  Outcome,
  ProjectPlan,
  ScenePlan,
  TasteRule,
} from "./types.ts";

export type { CharacterInfo } from "./_art.ts";
import type { CharacterInfo } from "./_art.ts";

/** Group compositions seen in the original (share of sets). */
export const COMPOSITIONS: readonly { stages: number[]; p: number }[] = [
  { stages: [1, 1.5, 2], p: 0.87 },
  { stages: [1, 2], p: 0.08 },
  { stages: [1, 2, 3], p: 0.02 },
  { stages: [1, 1.5, 2, 3], p: 0.02 },
  { stages: [2, 3], p: 0.01 },
];

/** Stage number → filename token, from lib/paths. */
export const STAGE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(DEFAULT_STAGES).map(([name, n]) => [n, name]),
);

const KINDS_BY_ORIGIN: Record<string, DefectKind[]> = {
  "1.5": ["face_mismatch", "face_mismatch", "smear", "warp", "duplicate_patch"],
  "2": ["smear", "warp", "tile_seam", "color_cast", "duplicate_patch", "blown_highlights"],
  "3": ["color_cast", "blown_highlights", "tile_seam", "smear"],
};

/**
 * Defect kinds added later (#18 item 4, designed on sim seed 3): a defect planned from the
 * first list is replaced by one of these with {@linkcode NEW_KIND_SHARE}, from a separate
 * random stream, so every other group of a simulation stays exactly as it was.
 */
const NEW_KINDS_BY_ORIGIN: Record<string, DefectKind[]> = {
  "1.5": ["ghosting"],
  "2": ["ghosting", "noise_burst", "banding"],
  "3": ["banding", "noise_burst"],
};

/** Share of planned defects replaced by a newer kind. */
const NEW_KIND_SHARE = 0.3;

/** Share of a swap-rule project's taste groups that show the swap rule (when they have 1.5). */
const SWAP_TASTE_SHARE = 0.5;

/** Default anomaly rates for projects 1, 2, 3 … (mature, typical, hard). */
export const DEFAULT_RATES: readonly number[] = [0.005, 0.04, 0.17];

/** Share of anomalies that come from taste (over-processed highest stage), not defects. */
const TASTE_SHARE = 0.2;

/** `YYYYMMDD_HHMMSS` of a UTC time. */
export function stampOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${
    iso.slice(14, 16)
  }${iso.slice(17, 19)}`;
}

/** The creator's habits for `count` projects. */
export function planProjects(
  seed: number,
  count: number,
  rates: readonly number[],
  characters: readonly string[],
): ProjectPlan[] {
  const rng = makeRng(seedOf(seed, "projects"));
  const out: ProjectPlan[] = [];
  let start = Date.UTC(2025, 5, 2, 9, 0, 0);
  for (let i = 0; i < count; i++) {
    const nChars = Math.min(characters.length, rng.int(2, 3));
    const pool = [...characters];
    const chars: string[] = [];
    for (let c = 0; c < nChars; c++) {
      const idx = rng.int(0, pool.length - 1);
      chars.push(pool.splice(idx, 1)[0] as string);
    }
    const rate = rates[i] ?? rates[rates.length - 1] ?? DEFAULT_RATES[i % 3] ?? 0.04;
    out.push({
      id: `sim${i + 1}`,
      title: `Sim${i + 1}`,
      characters: chars,
      anomaly_rate: rate,
      tolerance: rng.uniform(0.12, 0.28),
      taste_limit: rng.uniform(1.25, 1.6),
      crop: {
        k: rng.uniform(0.66, 0.84),
        k_sd: rng.uniform(0.035, 0.06),
        top_p: rng.uniform(0.58, 0.72),
        no_crop_p: rng.uniform(0.03, 0.06),
        x_sd: rng.uniform(0.015, 0.035),
      },
      start_ms: start,
    });
    // The second taste rule comes from its own stream (older draws stay as they were): two
    // projects in three on average, at a limit just above the strongest swap the creator keeps.
    const extra = makeRng(seedOf(seed, "projects", "swap", i));
    if (extra.chance(0.67)) out[i]!.swap_limit = extra.uniform(0.92, 1.02);
    start += rng.int(20, 40) * 86_400_000;
  }
  return out;
}

/** Stage1 size of an orientation at a scale (stage2 = 2×, stage3 = 3×). */
export function baseSize(orientation: number, scale: number): [number, number] {
  const r = (n: number): number => Math.max(8, Math.round(n * scale));
  if (orientation === 1) return [r(832), r(1216)];
  if (orientation === 2) return [r(1216), r(832)];
  return [r(1024), r(1024)];
}

function stageDelaySeconds(rng: Rng): number {
  // Log-normal around the original's median of 88 s, inside its 20-295 s range.
  const s = Math.round(88 * Math.exp(0.5 * rng.normal()));
  return Math.max(20, Math.min(295, s));
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function planScene(
  rng: Rng,
  ch: CharacterInfo,
  backgrounds: readonly string[],
  w: number,
  h: number,
): { scene: ScenePlan; subject: Box; face: Box } {
  const [sx0, sy0, sx1, sy1] = ch.subject;
  const [fx0, fy0, fx1, fy1] = ch.face;
  const sw = sx1 - sx0, sh = sy1 - sy0;
  // Face position inside the subject region, as fractions.
  const f = [(fx0 - sx0) / sw, (fy0 - sy0) / sh, (fx1 - sx0) / sw, (fy1 - sy0) / sh] as Box;
  const part: Box = [
    rng.uniform(0, f[0] * 0.7),
    rng.uniform(0, f[1] * 0.5),
    rng.uniform(f[2] + (1 - f[2]) * 0.3, 1),
    rng.uniform(Math.max(f[3] + 0.15, 0.7), 1),
  ];
  const flip = rng.chance(0.5);
  const partAspect = ((part[2] - part[0]) * sw) / ((part[3] - part[1]) * sh);
  const height = rng.uniform(0.72, 1.15);
  const top = rng.uniform(0.0, 0.18);
  const wN = (height * h * partAspect) / w;
  const cx = clamp(0.5 + rng.normal() * 0.08, wN / 2 - 0.15, 1 - wN / 2 + 0.15);
  const x0 = cx - wN / 2;
  // Face inside the placed layer (flip mirrors it).
  const pf0 = (f[0] - part[0]) / (part[2] - part[0]);
  const pf2 = (f[2] - part[0]) / (part[2] - part[0]);
  const pfx0 = flip ? 1 - pf2 : pf0;
  const pfx1 = flip ? 1 - pf0 : pf2;
  const pfy0 = (f[1] - part[1]) / (part[3] - part[1]);
  const pfy1 = (f[3] - part[1]) / (part[3] - part[1]);
  const face: Box = [
    clamp(x0 + pfx0 * wN, 0, 1),
    clamp(top + pfy0 * height, 0, 1),
    clamp(x0 + pfx1 * wN, 0, 1),
    clamp(top + pfy1 * height, 0, 1),
  ];
  const subject: Box = [clamp(x0, 0, 1), top, clamp(x0 + wN, 0, 1), clamp(top + height, 0, 1)];
  const warm = rng.normal() * 0.04;
  const scene: ScenePlan = {
    background: rng.pick(backgrounds),
    bg_window: [rng.uniform(0, 0.4), rng.uniform(0, 0.4), rng.uniform(0.55, 1)],
    bg_gain: [rng.uniform(0.55, 1.05), rng.uniform(0.55, 1.05), rng.uniform(0.55, 1.05)],
    subject_part: part,
    flip,
    cx,
    top,
    height,
    grade: [1 + warm, 1, 1 - warm],
  };
  return { scene, subject, face };
}

function planDefect(
  rng: Rng,
  origin: number,
  severity: number,
  subject: Box,
  face: Box,
): DefectPlan {
  const kind = rng.pick(KINDS_BY_ORIGIN[String(origin)] ?? KINDS_BY_ORIGIN["2"]!);
  const params: Record<string, number> = {};
  let box: Box = [0, 0, 1, 1];
  const inSubject = (size: number): Box => {
    const [x0, y0, x1, y1] = subject;
    const cx = rng.uniform(x0 + (x1 - x0) * 0.2, x1 - (x1 - x0) * 0.2);
    const cy = rng.uniform(y0 + (y1 - y0) * 0.1, Math.min(0.95, y1 - (y1 - y0) * 0.1));
    const r = size / 2;
    return [clamp(cx - r, 0, 1), clamp(cy - r, 0, 1), clamp(cx + r, 0, 1), clamp(cy + r, 0, 1)];
  };
  switch (kind) {
    case "face_mismatch":
      box = face;
      params.other = rng.int(0, 1000);
      break;
    case "smear":
      box = rng.chance(0.5) ? face : inSubject(rng.uniform(0.12, 0.3));
      params.angle = rng.uniform(0, Math.PI);
      break;
    case "warp":
      box = rng.chance(0.4) ? face : inSubject(rng.uniform(0.12, 0.3));
      params.turn = rng.chance(0.5) ? 1 : -1;
      break;
    case "color_cast": {
      const hue = rng.uniform(0, 2 * Math.PI);
      params.r = Math.cos(hue);
      params.g = Math.cos(hue - (2 * Math.PI) / 3);
      params.b = Math.cos(hue + (2 * Math.PI) / 3);
      params.gradient = rng.chance(0.4) ? 1 : 0;
      break;
    }
    case "blown_highlights":
      box = rng.chance(0.5) ? face : subject;
      break;
    case "duplicate_patch": {
      const src = rng.chance(0.6) ? face : inSubject(rng.uniform(0.1, 0.2));
      const bw = src[2] - src[0], bh = src[3] - src[1];
      const dx = rng.uniform(0.5, 1.2) * bw * (rng.chance(0.5) ? 1 : -1);
      const dy = rng.uniform(-0.3, 0.8) * bh;
      const nx = clamp(src[0] + dx, 0, 1 - bw), ny = clamp(src[1] + dy, 0, 1 - bh);
      params.sx = src[0];
      params.sy = src[1];
      box = [nx, ny, nx + bw, ny + bh];
      break;
    }
    case "tile_seam":
      params.tiles = rng.int(2, 4);
      params.seed = rng.int(0, 1_000_000);
      break;
  }
  return { kind, origin_stage: origin, severity, box, params };
}

/**
 * A defect of a newer kind ({@linkcode NEW_KINDS_BY_ORIGIN}) from its own stream.
 *
 * - `ghosting`: a faint offset copy of the face or a body part over itself (a diffusion
 *   double exposure); offset 3-10 % of the region, opacity grows with severity.
 * - `noise_burst`: grain the upscaler hallucinated in one region (often background),
 *   grain size relative to the image so it survives any resolution.
 * - `banding`: posterised gradients in a large region (a low-bit intermediate).
 */
function planNewDefect(
  rng: Rng,
  origin: number,
  severity: number,
  subject: Box,
  face: Box,
): DefectPlan {
  const kind = rng.pick(NEW_KINDS_BY_ORIGIN[String(origin)] ?? NEW_KINDS_BY_ORIGIN["2"]!);
  const params: Record<string, number> = {};
  let box: Box;
  const anywhere = (lo: number, hi: number): Box => {
    const w = rng.uniform(lo, hi), h = rng.uniform(lo, hi);
    const x0 = rng.uniform(0, 1 - w), y0 = rng.uniform(0, 1 - h);
    return [x0, y0, x0 + w, y0 + h];
  };
  switch (kind) {
    case "ghosting": {
      if (rng.chance(0.6)) box = face;
      else {
        const [x0, y0, x1, y1] = subject;
        const w = (x1 - x0) * rng.uniform(0.3, 0.6), h = (y1 - y0) * rng.uniform(0.2, 0.4);
        const cx = rng.uniform(x0 + w / 2, Math.max(x0 + w / 2, x1 - w / 2));
        const cy = rng.uniform(y0 + h / 2, Math.max(y0 + h / 2, Math.min(0.95, y1) - h / 2));
        box = [
          clamp(cx - w / 2, 0, 1),
          clamp(cy - h / 2, 0, 1),
          clamp(cx + w / 2, 0, 1),
          clamp(cy + h / 2, 0, 1),
        ];
      }
      const ang = rng.uniform(0, 2 * Math.PI), off = rng.uniform(0.03, 0.1);
      params.dx = Math.cos(ang) * off;
      params.dy = Math.sin(ang) * off;
      break;
    }
    case "noise_burst":
      box = rng.chance(0.5) ? anywhere(0.2, 0.45) : face;
      params.seed = rng.int(0, 1_000_000);
      params.color = rng.uniform(0, 1);
      break;
    default: // banding
      box = anywhere(0.35, 0.7);
      break;
  }
  return { kind, origin_stage: origin, severity, box, params };
}

function planCrop(rng: Rng, p: ProjectPlan, subject: Box, face: Box): Box | null {
  if (rng.chance(p.crop.no_crop_p)) return null;
  const [, sTop, , sBottom] = subject;
  const k = p.crop.k + rng.normal() * p.crop.k_sd;
  let y1 = 0;
  if (!rng.chance(p.crop.top_p)) y1 = clamp(sTop - rng.uniform(0.0, 0.05), 0, 0.3);
  const y2 = Math.max(sTop + k * (sBottom - sTop), face[3] + 0.03);
  const s = y2 - y1;
  // Nothing worth cutting: the creator leaves the frame whole.
  if (s >= 1.0) return null;
  const side = clamp(s, 0.3, 0.93);
  const cx = (face[0] + face[2]) / 2 + rng.normal() * p.crop.x_sd;
  const x1 = clamp(cx - side / 2, 0, 1 - side);
  const yy = Math.min(y1, 1 - side);
  return [x1, yy, x1 + side, yy + side];
}

/** Options for {@linkcode planGroups}. */
export interface PlanGroupsOptions {
  seed: number;
  logged: number;
  heldout: number;
  scale: number;
  characters: readonly CharacterInfo[];
  backgrounds: readonly string[];
}

/** All groups of one project (logged history first, then the held-out batch), time-ordered. */
export function planGroups(project: ProjectPlan, options: PlanGroupsOptions): GroupPlan[] {
  const rng = makeRng(seedOf(options.seed, project.id, "groups"));
  const chars = project.characters.map((name) => {
    const c = options.characters.find((x) => x.name === name);
    if (!c) throw new RangeError(`Cannot plan groups: unknown character "${name}"`);
    return c;
  });
  const out: GroupPlan[] = [];
  let t = project.start_ms;
  let runLeft = 0;
  let charIdx = 0;
  const total = options.logged + options.heldout;
  const tolerated = Math.min(0.03, project.anomaly_rate * 0.3);
  for (let g = 0; g < total; g++) {
    const split = g < options.logged ? "logged" : "heldout";
    if (runLeft <= 0) {
      charIdx = rng.int(0, chars.length - 1);
      runLeft = rng.int(5, 40);
    }
    runLeft--;
    const ch = chars[charIdx]!;
    // Gaps between groups: seconds to minutes, with an occasional break.
    t += (rng.chance(0.02) ? rng.int(3600, 40_000) : rng.int(25, 240)) * 1000;
    const stages = COMPOSITIONS[rng.weighted(COMPOSITIONS.map((c) => c.p))]!.stages;
    const orientation = stages.includes(3) ? 0 : rng.weighted([0.5, 0.35, 0.15]);
    const [w1, h1] = baseSize(orientation, options.scale);
    const members: MemberPlan[] = [];
    for (let i = 0; i < stages.length; i++) {
      const stage = stages[i]!;
      if (i > 0) t += stageDelaySeconds(rng) * 1000;
      const mult = stage >= 3 ? 3 : stage >= 2 ? 2 : 1;
      members.push({
        stage,
        filename: `${stampOf(t)}_${STAGE_NAMES.get(stage)}.png`,
        time_ms: t,
        width: w1 * mult,
        height: h1 * mult,
        companions: { yaml: rng.chance(0.97), caption: rng.chance(0.87), txt: rng.chance(0.005) },
      });
    }
    // The subject-following creator places its characters anywhere (lib/sim/_art.ts).
    const { scene, subject, face } = project.subject_crop
      ? planArtScene(rng, ch, options.backgrounds, w1, h1)
      : planScene(rng, ch, options.backgrounds, w1, h1);
    // Outcome: anomaly (defect noticed, or taste), a tolerated mild defect, or plain.
    const u = rng.next();
    let outcome: Outcome = "highest";
    if (u < project.anomaly_rate) outcome = rng.chance(TASTE_SHARE) ? "taste" : "defect";
    else if (u < project.anomaly_rate + tolerated) outcome = "tolerated";
    const top = stages.length - 1;
    let sharpen = rng.uniform(0.5, project.taste_limit - 0.1);
    let enhance = rng.uniform(0.2, project.taste_limit * 0.35 - 0.05);
    const defects: DefectPlan[] = [];
    let chosen = top;
    // Later additions draw from their own stream, so the main stream (and every group that
    // does not use them) is unchanged.
    const extra = makeRng(seedOf(options.seed, project.id, "extra", g));
    let swap: number | null = null;
    let tasteRule: TasteRule | undefined;
    if (outcome === "taste") {
      tasteRule = "sharpen";
      if (stages[top] === 3) enhance = rng.uniform(project.taste_limit * 0.35 + 0.1, 0.95);
      else sharpen = rng.uniform(project.taste_limit + 0.15, project.taste_limit + 1.2);
      chosen = top - 1;
      const swapAt = stages.indexOf(1.5);
      if (project.swap_limit !== undefined && swapAt > 0 && extra.chance(SWAP_TASTE_SHARE)) {
        // The swap rule instead: a usual top, a face swap stronger than the project takes.
        tasteRule = "swap";
        sharpen = extra.uniform(0.5, project.taste_limit - 0.1);
        enhance = extra.uniform(0.2, project.taste_limit * 0.35 - 0.05);
        swap = extra.uniform(project.swap_limit + 0.06, project.swap_limit + 0.4);
        chosen = swapAt - 1;
      }
      // Same pixels, no rule: the over-processed top is kept (the random stream is unchanged).
      if (project.taste === false) (outcome = "taste_ignored"), (chosen = top);
    } else if (outcome === "defect" || outcome === "tolerated") {
      const higher = stages.slice(1);
      const weights = higher.map((s) => (s === 1.5 ? 0.45 : s === 2 ? 0.45 : 0.25));
      const origin = higher[rng.weighted(weights)]!;
      const severity = outcome === "defect"
        ? project.tolerance + (1 - project.tolerance) * Math.pow(rng.next(), 1.3)
        : rng.uniform(0.02, project.tolerance * 0.6);
      const planned = planDefect(rng, origin, severity, subject, face);
      defects.push(
        extra.chance(NEW_KIND_SHARE)
          ? planNewDefect(extra, origin, severity, subject, face)
          : planned,
      );
      if (outcome === "defect") chosen = stages.indexOf(origin) - 1;
    }
    const crop = project.subject_crop
      ? planSubjectCrop(rng, project.subject_crop, ch.name, { subject, face })
      : planCrop(rng, project, subject, face);
    // Drawn whatever the swap rule says, so the main stream stays as it was.
    const usualSwap = rng.uniform(0.55, 0.9);
    out.push({
      group_id: `${project.id}_${members[0]!.filename.slice(0, 15)}`,
      project: project.id,
      character: ch.name,
      split,
      seed: seedOf(options.seed, project.id, g),
      members,
      scene,
      subject_box: subject,
      face_box: face,
      swap_strength: swap ?? usualSwap,
      sharpen,
      enhance,
      defects,
      outcome,
      ...(tasteRule ? { taste_rule: tasteRule } : {}),
      chosen_index: chosen,
      needs_crop: crop !== null,
      crop_box: crop,
    });
  }
  return out;
}
