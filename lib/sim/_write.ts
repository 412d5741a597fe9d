/**
 * Text the simulator writes: companions (.yaml, .caption, .txt), the two logs
 * in the original's exact CSV formats, project manifests and ground truth.
 * Pure builders; simulate.ts does the file I/O.
 *
 * @module
 */
import { STAGE_NAMES, stampOf } from "./_plan.ts";
import { makeRng, seedOf } from "./_rng.ts";
import type { GroundTruthRecord, GroupPlan, MemberPlan, ProjectPlan } from "./types.ts";

/** Header of `selection_only_log.csv`. */
export const SELECTION_HEADER = "session_id,set_id,chosen_path,neg_paths,timestamp";

/** Header of `select_crop_log.csv` (19 columns). */
export const CROP_HEADER =
  "session_id,set_id,directory,image_count,chosen_index,chosen_path,crop_x1,crop_y1,crop_x2,crop_y2,timestamp,image_0_path,image_0_stage,width_0,height_0,image_1_path,image_1_stage,width_1,height_1";

/** One CSV field, quoted when needed (RFC 4180). */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** ISO UTC with microseconds and `Z`, like the original's log timestamps. */
export function isoMicro(ms: number, micro: number): string {
  const base = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micro).padStart(6, "0")}Z`;
}

/** Local `YYYY-MM-DD HH:MM:SS` (the creator's clock, UTC−4 in October). */
export function localStamp(ms: number): string {
  return new Date(ms - 4 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** A pixel value as the crop tool wrote it (`66.0`). */
function pxText(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** The creator-style path of a logged image. */
export function logPath(g: GroupPlan, m: MemberPlan): string {
  return `PROJECT_ROOT/${g.project}/${g.character}/${m.filename}`;
}

/** Pixel crop box of the chosen image, as logged (full frame for no crop). */
export function pixelBox(g: GroupPlan): [number, number, number, number] {
  const m = g.members[g.chosen_index]!;
  const b = g.crop_box ?? [0, 0, 1, 1];
  return [
    Math.round(b[0] * m.width),
    Math.round(b[1] * m.height),
    Math.round(b[2] * m.width),
    Math.round(b[3] * m.height),
  ];
}

/** How the logs name images (keeper's layout by default). */
export interface LogPaths {
  /** Path of a member in the selection log. */
  selection: (g: GroupPlan, m: MemberPlan) => string;
  /** Path of the cropped image in the crop log. */
  crop: (g: GroupPlan, m: MemberPlan) => string;
  /** The crop log's `directory` column. */
  cropDir: (g: GroupPlan) => string;
}

/** keeper's layout: `PROJECT_ROOT/<project>/<character>/<file>` everywhere. */
export const KEEPER_LOG_PATHS: LogPaths = {
  selection: logPath,
  crop: logPath,
  cropDir: (g) => `${g.project}/${g.character}`,
};

/** Rows of both logs for one project's logged groups (time-ordered). */
export function logRows(
  project: ProjectPlan,
  groups: readonly GroupPlan[],
  seed: number,
  paths: LogPaths = KEEPER_LOG_PATHS,
): { selection: { t: number; line: string }[]; crop: { t: number; line: string }[] } {
  const rng = makeRng(seedOf(seed, project.id, "logs"));
  const logged = groups.filter((g) => g.split === "logged");
  const last = logged.at(-1)?.members.at(-1)?.time_ms ?? project.start_ms;
  const selection: { t: number; line: string }[] = [];
  const crop: { t: number; line: string }[] = [];
  // Selection: web-selector sessions of up to 100 groups, a few days after generation.
  let t = Math.floor(last / 86_400_000 + 2) * 86_400_000 + 14 * 3600_000;
  for (let s = 0; s < logged.length; s += 100) {
    const session = stampOf(t);
    const batch = logged.slice(s, s + 100);
    batch.forEach((g, i) => {
      t += rng.int(3, 20) * 1000;
      const chosen = g.members[g.chosen_index]!;
      const neg = g.members.filter((_, k) => k !== g.chosen_index).map((m) =>
        paths.selection(g, m)
      );
      const line = [
        session,
        `group_${i}`,
        paths.selection(g, chosen),
        JSON.stringify(neg),
        isoMicro(t, rng.int(0, 999_999)),
      ].map(csvField).join(",");
      selection.push({ t, line });
    });
    t += rng.int(1, 6) * 3600_000;
  }
  // Cropping: desktop multi-crop sessions (batches of 3), a day after selection.
  t = Math.floor(t / 86_400_000 + 1) * 86_400_000 + 18 * 3600_000;
  for (let s = 0; s < logged.length; s += 300) {
    const session = localStamp(t);
    for (const g of logged.slice(s, s + 300)) {
      t += rng.chance(1 / 3) ? rng.int(8, 40) * 1000 : rng.int(40, 600);
      const m = g.members[g.chosen_index]!;
      const [x1, y1, x2, y2] = pixelBox(g);
      const path = paths.crop(g, m);
      const line = [
        session,
        `${g.character}_${m.filename.replace(/\.png$/, "")}`,
        paths.cropDir(g),
        "1",
        "0",
        path,
        pxText(x1),
        pxText(y1),
        pxText(x2),
        pxText(y2),
        isoMicro(t, rng.int(0, 999_999)),
        path,
        STAGE_NAMES.get(m.stage) ?? "",
        String(m.width),
        String(m.height),
        "",
        "",
        "",
        "",
      ].map(csvField).join(",");
      crop.push({ t, line });
    }
    t += rng.int(2, 8) * 3600_000;
  }
  return { selection, crop };
}

const POSES = ["standing", "three-quarter view", "looking at the camera", "soft smile", "portrait"];
const LIGHT = ["studio light", "window light", "golden hour", "overcast", "rim light"];

/** Companion texts of one member. */
export function companions(
  g: GroupPlan,
  m: MemberPlan,
  index: number,
): { yaml: string; caption: string; txt: string } {
  const rng = makeRng(seedOf(g.seed, "companions"));
  const pose = rng.pick(POSES), light = rng.pick(LIGHT), genSeed = rng.int(1, 2 ** 31 - 1);
  const steps = rng.pick([28, 30, 35, 40]), cfg = rng.pick([4.5, 5, 6, 7]);
  const prompt = `photo of ${g.character.replaceAll("_", " ")}, ${pose}, ${light}, detailed`;
  const prev = index > 0 ? g.members[index - 1]!.filename : null;
  const lines = [
    `stage: ${STAGE_NAMES.get(m.stage)}`,
    `created: ${new Date(m.time_ms).toISOString()}`,
    `prompt: "${prompt}"`,
    `negative_prompt: "blurry, lowres, bad anatomy"`,
    `seed: ${genSeed}`,
    `steps: ${steps}`,
    `cfg_scale: ${cfg}`,
    `sampler: dpmpp_2m_karras`,
    `model: sdxl_base_1.0`,
    `width: ${m.width}`,
    `height: ${m.height}`,
  ];
  if (prev) lines.push(`source: ${prev}`);
  if (m.stage === 1.5) {
    lines.push(`face_swap: {model: inswapper_128, strength: ${g.swap_strength.toFixed(2)}}`);
  }
  if (m.stage === 2) {
    lines.push(`upscaler: {model: 4x_ultrasharp, scale: 2, sharpen: ${g.sharpen.toFixed(2)}}`);
  }
  if (m.stage === 3) {
    lines.push(`enhance: {model: detail_tweaker, strength: ${g.enhance.toFixed(2)}}`);
  }
  return {
    yaml: lines.join("\n") + "\n",
    caption: `${g.character.replaceAll("_", " ")}, ${pose}, ${light}\n`,
    txt: `note: regenerated once (seed ${genSeed})\n`,
  };
}

/** The ground-truth record of one group. */
export function groundTruth(g: GroupPlan, dir: string): GroundTruthRecord {
  const chosen = g.members[g.chosen_index]!;
  const maxOther = Math.max(
    ...g.members.filter((_, i) => i !== g.chosen_index).map((m) => m.stage),
  );
  return {
    group_id: g.group_id,
    project: g.project,
    character: g.character,
    split: g.split,
    dir,
    members: g.members.map((m) => ({
      path: `${dir}/${m.filename}`,
      filename: m.filename,
      stage: m.stage,
      width: m.width,
      height: m.height,
      defects: g.defects.filter((d) => d.origin_stage <= m.stage).map((d) => ({
        kind: d.kind,
        severity: Math.round(d.severity * 1000) / 1000,
        origin_stage: d.origin_stage,
        box: d.box,
      })),
    })),
    chosen_index: g.chosen_index,
    chosen_path: `${dir}/${chosen.filename}`,
    outcome: g.outcome,
    ...(g.taste_rule ? { taste_rule: g.taste_rule } : {}),
    anomaly: chosen.stage < maxOther,
    defect_kinds: g.defects.map((d) => d.kind),
    needs_crop: g.needs_crop,
    crop_box: g.crop_box,
    subject_box: g.subject_box,
    face_box: g.face_box,
  };
}

/** A mojo-style project manifest (`<id>.project.json`). */
export function manifest(
  project: ProjectPlan,
  groups: readonly GroupPlan[],
): Record<string, unknown> {
  const logged = groups.filter((g) => g.split === "logged");
  const pngs = logged.reduce((s, g) => s + g.members.length, 0);
  const chosen = logged.map((g) => g.members[g.chosen_index]!);
  const caption = chosen.filter((m) => m.companions.caption).length;
  const yaml = chosen.filter((m) => m.companions.yaml).length;
  const txt = chosen.filter((m) => m.companions.txt).length;
  const first = groups[0]?.members[0]?.time_ms ?? project.start_ms;
  return {
    schemaVersion: 1,
    projectId: project.id,
    title: project.title,
    status: "active",
    createdAt: new Date(Math.floor(first / 86_400_000) * 86_400_000).toISOString().replace(
      ".000",
      "",
    ),
    startedAt: new Date(first).toISOString().replace(".000", ""),
    finishedAt: null,
    removeFileOnFinish: true,
    paths: {
      root: `../images/${project.id}`,
      selectedDir: "../selected",
      cropDir: "../crop",
      characterGroups: project.characters.map((c) => `../images/${project.id}/${c}`),
    },
    counts: { initialImages: pngs, finalImages: chosen.length },
    metrics: {
      imagesPerHourEndToEnd: null,
      stepRates: {},
      stager: {
        zip: `PROJECT_ROOT/exports/${project.id}_final.zip`,
        eligibleCount: chosen.length + caption + yaml + txt,
        byExtIncluded: { caption, yaml, png: chosen.length, txt },
        excludedCounts: {
          hidden: 0,
          banned_name: 0,
          banned_ext: 0,
          banned_pattern: 0,
          not_allowed: 0,
          no_extension: 0,
        },
        incomingByExt: { caption, yaml, png: chosen.length, txt },
      },
    },
    steps: ["select_versions", "character_sort", "crop", "dedupe", "final_review"].map((name) => ({
      name,
      startedAt: null,
      finishedAt: null,
      imagesProcessed: null,
    })),
    notes: "Simulated by keeper (lib/sim); manifest stored outside content.",
  };
}
