/**
 * The subject-relative crop: the creator's crop read off what vision finds
 * (person box, face, head top; the best non-person object when no person is found) with per-project habits shrunk toward the
 * creator's global habit, a learned "no crop" decision and the project's
 * median box when no subject is found.
 *
 * Each crop coordinate (top `y1`, bottom `y2`, centre `cx`) is a linear
 * function of the subject's geometry. The global coefficients are fitted on
 * every project; a project's own are a ridge fit pulled toward them,
 * `β_p = (Φ_pᵀΦ_p + λI)⁻¹ (Φ_pᵀt + λβ_g)` — λ (how far a project may stray
 * from the creator's habit) is chosen by cross-validated IoU, never a hard
 * switch. The top is anchored at 0 for projects that mostly crop from the
 * frame's top (share shrunk toward the global share).
 *
 * @module
 */
import type { Box, GroupMemberInput } from "../types.ts";
import { iou, median } from "../math/mod.ts";
import { visionBlockIndex } from "../vision/mod.ts";
import { S_MIN } from "./box_param.ts";
import type { CropExample } from "./crop_example.ts";

/** Terms of one kind of subject in φ. */
const TERMS = 9;
/** Length of the subject feature vector φ: person terms, then faint-person terms, then object terms. */
const PHI = 3 * TERMS;
/** A person box below the subject's rule stands in for the subject from this score. */
export const MIN_FAINT_SCORE = 0.05;
/** A non-person object (the cat, the dragon) stands in for the subject from this score. */
export const MIN_OBJECT_SCORE = 0.3;
/** Ridge strengths tried (in units of examples). */
const LAMBDAS = [0.3, 3, 30, 300, 3000] as const;
/** Pseudo-count pulling a project's top-anchor share toward the global share. */
const ANCHOR_PRIOR = 10;

/** What vision says about one image's subject (normalised coordinates). */
export interface SubjectView {
  box: Box;
  /** Face centre x, or the subject's centre x without a face. */
  anchorX: number;
  /** Head top (face raised by the hair margin), or the subject's top. */
  headTop: number;
  hasFace: boolean;
  faceH: number;
  /**
   * `faint`: no subject, the best person box below the subject's rule (a drawn figure);
   * `object`: no person evidence, the best non-person detection instead.
   */
  kind: "person" | "faint" | "object";
}

/** Coefficients of the three coordinates. */
interface Coefs {
  y1: number[];
  y2: number[];
  cx: number[];
}

/**
 * Version of {@linkcode SubjectCropModel}: 2 reads the `vision` block v3 (person, faint person
 * and object terms, 27 coefficients per coordinate).
 */
export const SUBJECT_CROP_VERSION = 2;

/** A fitted subject-relative crop model (JSON, saved in `crop.json`). */
export interface SubjectCropModel {
  version: typeof SUBJECT_CROP_VERSION;
  /** Chosen ridge strength toward the global habit. */
  lambda: number;
  global: Coefs & { anchor: number; box: Box };
  projects: Record<string, Coefs & { anchor: number; box: Box; n: number }>;
  /** Logistic "no crop": weights over `[1, side, y2, subject height, has subject]` + project bias. */
  no_crop: { w: number[]; project_bias: Record<string, number> };
  /** Whether crops a wrong subject box explains were set aside (chosen with λ by cross-validation). */
  trim: boolean;
  /** Cross-validated mean IoU per λ and trim (how both were chosen). */
  cv: { lambda: number; trim: boolean; iou: number }[];
  /** Crop examples fitted / with a subject. */
  n: number;
  n_subject: number;
  /** Crops with a subject set aside for the final fit: the first fit matched them below {@linkcode TRIM_IOU}. */
  trimmed: number;
}

/**
 * Read the subject from an image's `vision` block.
 *
 * @param member The image (its `features.blocks.vision`).
 * @returns The subject (a person, else an object scoring at least {@linkcode MIN_OBJECT_SCORE}),
 *   or null when vision found neither or the block is absent.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const member: GroupMemberInput;
 * subjectView(member)?.box;
 * ```
 */
export function subjectView(member: Pick<GroupMemberInput, "features">): SubjectView | null {
  const v = member.features.blocks?.vision;
  if (!v) return null;
  const at = (n: Parameters<typeof visionBlockIndex>[0]): number => v[visionBlockIndex(n)] ?? 0;
  if (!at("has_subject")) {
    // A faint person box outranks an object: on drawn characters it overlaps the figure more
    // (docs/quality.md, "Faint figures").
    const useFaint = at("faint_score") >= MIN_FAINT_SCORE;
    if (!useFaint && at("object_score") < MIN_OBJECT_SCORE) return null;
    const o: Box = useFaint
      ? [at("faint_x1"), at("faint_y1"), at("faint_x2"), at("faint_y2")]
      : [at("object_x1"), at("object_y1"), at("object_x2"), at("object_y2")];
    return {
      box: o,
      anchorX: (o[0] + o[2]) / 2,
      headTop: o[1],
      hasFace: false,
      faceH: 0,
      kind: useFaint ? "faint" : "object",
    };
  }
  const box: Box = [at("subject_x1"), at("subject_y1"), at("subject_x2"), at("subject_y2")];
  const faceH = at("face_h");
  const hasFace = faceH > 0;
  return {
    box,
    anchorX: hasFace ? at("face_cx") : (box[0] + box[2]) / 2,
    headTop: at("has_head_top") ? at("head_top_y") : box[1],
    hasFace,
    faceH,
    kind: "person",
  };
}

function phi(s: SubjectView): number[] {
  const [x1, y1, x2, y2] = s.box;
  const base = [1, x1, y1, x2, y2, s.anchorX, s.headTop, s.hasFace ? 1 : 0, s.faceH];
  // A faint figure or an object (a cat, a dragon) relates to the crop differently from a
  // person box: its own coefficients, pulled toward the same global habit.
  const at = s.kind === "person" ? 0 : s.kind === "faint" ? 1 : 2;
  return Array.from({ length: PHI }, (_, i) => Math.floor(i / TERMS) === at ? base[i % TERMS]! : 0);
}

/** Solve `A x = b` (A symmetric positive definite, small) by Gaussian elimination. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / piv;
      if (f !== 0) { for (let k = c; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[c]![k]!; }
    }
  }
  return m.map((row, i) => row[n]! / (m[i]![i]! || 1e-12));
}

/**
 * Ridge fits of each target `t_k ≈ Φβ_k` pulled toward `priors[k]` with strength `lambda`,
 * sharing one Gram matrix. A row of Φ is zero outside its kind's terms, so only those are summed.
 */
function ridge(
  xs: number[][],
  targets: number[][],
  lambda: number,
  priors: number[][],
): number[][] {
  const a = Array.from(
    { length: PHI },
    (_, i) => Array.from({ length: PHI }, (_, j) => i === j ? lambda : 0),
  );
  const bs = priors.map((prior) => prior.map((p) => lambda * p));
  const nz: number[] = [];
  xs.forEach((x, r) => {
    nz.length = 0;
    for (let i = 0; i < PHI; i++) if (x[i] !== 0) nz.push(i);
    for (const i of nz) {
      const xi = x[i]!, row = a[i]!;
      for (let k = 0; k < bs.length; k++) bs[k]![i]! += xi * targets[k]![r]!;
      for (const j of nz) row[j]! += xi * x[j]!;
    }
  });
  return bs.map((b) => solve(a, b));
}

const dot = (w: number[], x: number[]): number => w.reduce((s, v, i) => s + v * (x[i] ?? 0), 0);

function medianBoxOf(boxes: Box[], fallback: Box): Box {
  if (boxes.length === 0) return [...fallback] as Box;
  return [0, 1, 2, 3].map((i) => median(boxes.map((b) => b[i]!))) as Box;
}

/** An aspect-locked box from top, bottom and centre, kept inside the image. */
export function boxFromCoords(y1: number, y2: number, cx: number): Box {
  const side = Math.min(1, Math.max(S_MIN, y2 - y1));
  const x = Math.min(Math.max(cx - side / 2, 0), 1 - side);
  const y = Math.min(Math.max(y1, 0), 1 - side);
  return [x, y, x + side, y + side];
}

interface Row {
  project: string;
  phi: number[] | null;
  box: Box;
  noCrop: boolean;
}

function rowsOf(examples: readonly CropExample[]): Row[] {
  return examples.map((e) => {
    const s = subjectView(e.member);
    return { project: e.member.project, phi: s ? phi(s) : null, box: e.box, noCrop: e.no_crop };
  });
}

const TOP = 0.01;

/**
 * A crop the first fit matches below this IoU is refitted without: vision found the wrong
 * thing (a prop, half the figure), so the crop says nothing about the habit.
 */
export const TRIM_IOU = 0.5;
/** Refits at most this many times while the set-aside crops change. */
const TRIM_PASSES = 10;

/**
 * Fit the box part, then refit without the crops a wrong subject box explains. A first fit on
 * every crop is pulled by them, so the fit is first made on the better-matched half of the
 * crops (refitted until that half stops changing: least trimmed squares' concentration
 * steps); the crops that fit matches below {@linkcode TRIM_IOU} are then left out of the final
 * fit — unless that is half of them (the habit then does not follow the subject, and every
 * crop is kept).
 */
function fitBoxes(
  rows: Row[],
  lambda: number,
  trim: boolean,
): Pick<SubjectCropModel, "global" | "projects"> & { trimmed: number } {
  const first = fitBoxesOn(rows, lambda, () => true);
  const used = rows.filter((r) => !r.noCrop && r.phi !== null);
  if (!trim || used.length < 8) return { ...first, trimmed: 0 };
  const match = (fit: Pick<SubjectCropModel, "global" | "projects">, r: Row): number =>
    iou(boxOf(fit, r.project, r.phi), r.box);
  // Concentration steps: refit on the better-matched half until that half stops changing.
  // (each project's own better half: a project with a looser habit keeps its say)
  const own = Map.groupBy(used, (r) => r.project);
  const half = (fit: Pick<SubjectCropModel, "global" | "projects">): Set<Row> =>
    new Set(
      [...own.values()].flatMap((rs) =>
        rs.map((r) => ({ r, v: match(fit, r) })).sort((a, b) => b.v - a.v)
          .slice(0, Math.ceil(rs.length / 2)).map((x) => x.r)
      ),
    );
  let best = half(first);
  let fit = fitBoxesOn(rows, lambda, (r) => best.has(r));
  for (let pass = 0; pass < TRIM_PASSES; pass++) {
    const next = half(fit);
    if ([...next].every((r) => best.has(r))) break;
    best = next;
    fit = fitBoxesOn(rows, lambda, (r) => best.has(r));
  }
  // Then every crop the half's fit matches well goes back in.
  const bad = new Set(used.filter((r) => match(fit, r) < TRIM_IOU));
  if (bad.size * 2 > used.length) return { ...first, trimmed: 0 };
  if (bad.size) fit = fitBoxesOn(rows, lambda, (r) => !bad.has(r));
  return bad.size ? { ...fit, trimmed: bad.size } : { ...first, trimmed: 0 };
}

/** What a fit on some rows does not depend on λ or trimming for: anchors and fallback boxes. */
interface Fixed {
  cropped: Row[];
  gAnchor: number;
  gBox: Box;
  projects: { p: string; anchor: number; box: Box; n: number }[];
}

const fixedOf = new WeakMap<Row[], Fixed>();

function fixedParts(rows: Row[]): Fixed {
  const known = fixedOf.get(rows);
  if (known) return known;
  const cropped = rows.filter((r) => !r.noCrop);
  const share = (rs: Row[]): number => rs.filter((r) => r.box[1] <= TOP).length;
  const gAnchor = cropped.length ? share(cropped) / cropped.length : 0;
  const gBox = medianBoxOf(cropped.map((r) => r.box), [0, 0, 1, 1]);
  const projects = [...new Set(rows.map((r) => r.project))].sort().map((p) => {
    const pc = cropped.filter((r) => r.project === p);
    return {
      p,
      anchor: (share(pc) + ANCHOR_PRIOR * gAnchor) / (pc.length + ANCHOR_PRIOR),
      box: medianBoxOf(pc.map((r) => r.box), gBox),
      n: pc.length,
    };
  });
  const fixed = { cropped, gAnchor, gBox, projects };
  fixedOf.set(rows, fixed);
  return fixed;
}

/** Fit the box part (coefficients, anchor shares, fallback boxes) at one λ on the rows `use` keeps. */
function fitBoxesOn(
  rows: Row[],
  lambda: number,
  use: (r: Row) => boolean,
): Pick<SubjectCropModel, "global" | "projects"> {
  const fixed = fixedParts(rows);
  const withSubject = fixed.cropped.filter((r) => r.phi !== null && use(r));
  const fitCoefs = (rs: Row[], lam: number, prior: Coefs): Coefs => {
    const free = rs.filter((r) => r.box[1] > TOP);
    const [y1] = ridge(free.map((r) => r.phi!), [free.map((r) => r.box[1])], lam, [prior.y1]);
    const [y2, cx] = ridge(
      rs.map((r) => r.phi!),
      [rs.map((r) => r.box[3]), rs.map((r) => (r.box[0] + r.box[2]) / 2)],
      lam,
      [prior.y2, prior.cx],
    );
    return { y1: y1!, y2: y2!, cx: cx! };
  };
  const zero = new Array(PHI).fill(0);
  const flat: Coefs = { y1: zero, y2: zero, cx: zero };
  // The global habit: a nearly unregularised fit on every project.
  const g = fitCoefs(withSubject, 1e-3 * Math.max(1, withSubject.length), flat);
  const byProject = Map.groupBy(withSubject, (r) => r.project);
  const projects: SubjectCropModel["projects"] = {};
  for (const { p, anchor, box, n } of fixed.projects) {
    projects[p] = {
      ...fitCoefs(byProject.get(p) ?? [], lambda, g),
      anchor,
      box: [...box] as Box,
      n,
    };
  }
  return { global: { ...g, anchor: fixed.gAnchor, box: [...fixed.gBox] as Box }, projects };
}

function boxOf(
  m: Pick<SubjectCropModel, "global" | "projects">,
  project: string,
  x: number[] | null,
): Box {
  const c = m.projects[project] ?? m.global;
  if (x === null) return [...c.box] as Box;
  const y2 = dot(c.y2, x);
  const y1 = c.anchor >= 0.5 ? 0 : dot(c.y1, x);
  return boxFromCoords(y1, y2, dot(c.cx, x));
}

function noCropInput(
  m: Pick<SubjectCropModel, "global" | "projects">,
  r: Pick<Row, "project" | "phi">,
): number[] {
  if (r.phi === null) return [1, 0, 0, 0, 0];
  const b = boxOf(m, r.project, r.phi);
  const o = TERMS * Math.floor(r.phi.findIndex((v) => v === 1) / TERMS); // the kind's terms
  return [1, b[2] - b[0], b[3], r.phi[o + 4]! - r.phi[o + 2]!, 1];
}

/** L2-penalised logistic regression (weights toward 0, project biases toward 0). */
function fitNoCrop(
  m: Pick<SubjectCropModel, "global" | "projects">,
  rows: Row[],
): SubjectCropModel["no_crop"] {
  const xs = rows.map((r) => noCropInput(m, r));
  const ys = rows.map((r) => (r.noCrop ? 1 : 0));
  const rate = Math.min(
    Math.max(ys.reduce((a: number, b) => a + b, 0) / Math.max(1, ys.length), 1e-3),
    1 - 1e-3,
  );
  const w = [Math.log(rate / (1 - rate)), 0, 0, 0, 0];
  const bias: Record<string, number> = {};
  for (const r of rows) bias[r.project] = 0;
  const n = Math.max(1, rows.length), l2 = 1 / n, lr = 2;
  for (let it = 0; it < 400; it++) {
    const gw = w.map((v, i) => (i === 0 ? 0 : l2 * v * n));
    const gb: Record<string, number> = {};
    for (const p in bias) gb[p] = 3 * l2 * bias[p]! * n;
    xs.forEach((x, i) => {
      const p = 1 / (1 + Math.exp(-(dot(w, x) + bias[rows[i]!.project]!)));
      const e = p - ys[i]!;
      for (let k = 0; k < w.length; k++) gw[k]! += e * x[k]!;
      gb[rows[i]!.project]! += e;
    });
    for (let k = 0; k < w.length; k++) w[k]! -= (lr * gw[k]!) / n;
    for (const p in bias) bias[p]! -= (lr * gb[p]!) / n;
  }
  return { w, project_bias: bias };
}

/** Options for {@linkcode fitSubjectCrop}. */
export interface FitSubjectCropOptions {
  /** Folds for choosing λ. */
  folds?: number;
  /** Fixed λ (skips the cross-validation). */
  lambda?: number | null;
  /**
   * Refit without the crops a wrong subject box explains (see {@linkcode TRIM_IOU}); null:
   * chosen with λ by cross-validated IoU.
   */
  trim?: boolean | null;
}

const fitDefaults = { folds: 5, lambda: null, trim: null } satisfies Required<
  FitSubjectCropOptions
>;

/**
 * Fit the subject-relative crop model.
 *
 * @param examples Crop labels whose images carry the `vision` block (others use the fallback box).
 * @param options Folds for λ, or a fixed λ.
 * @returns The model.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const trainCrops: Parameters<typeof fitSubjectCrop>[0], member: GroupMemberInput;
 * const model = fitSubjectCrop(trainCrops);
 * proposeSubjectCrop(model, member).box;
 * ```
 */
export function fitSubjectCrop(
  examples: readonly CropExample[],
  options: FitSubjectCropOptions = {},
): SubjectCropModel {
  const o = { ...fitDefaults, ...options };
  const rows = rowsOf(examples);
  const cv: SubjectCropModel["cv"] = [];
  const lambdas = o.lambda === null ? LAMBDAS : [o.lambda];
  const trims = o.trim === null ? [false, true] : [o.trim];
  let lambda = lambdas[Math.floor(lambdas.length / 2)]!, trim = trims[0]!;
  if (lambdas.length * trims.length > 1) {
    // One array per fold, so the parts a fit shares across λ and trimming are computed once.
    const foldRows = Array.from(
      { length: o.folds },
      (_, f) => rows.filter((_, i) => i % o.folds !== f),
    );
    let best = -1;
    for (const t of trims) {
      for (const lam of lambdas) {
        let s = 0, k = 0;
        for (let f = 0; f < o.folds; f++) {
          const fit = fitBoxes(foldRows[f]!, lam, t);
          rows.forEach((r, i) => {
            if (i % o.folds !== f || r.noCrop || r.phi === null) return;
            s += iou(boxOf(fit, r.project, r.phi), r.box);
            k++;
          });
        }
        const v = k ? s / k : 0;
        cv.push({ lambda: lam, trim: t, iou: v });
        if (v > best + 1e-9) (best = v), (lambda = lam), (trim = t);
      }
    }
  }
  const { trimmed, ...boxes } = fitBoxes(rows, lambda, trim);
  return {
    version: SUBJECT_CROP_VERSION,
    lambda,
    trim,
    ...boxes,
    trimmed,
    no_crop: fitNoCrop(boxes, rows),
    cv,
    n: rows.length,
    n_subject: rows.filter((r) => r.phi !== null).length,
  };
}

/**
 * Propose a crop from the image's subject.
 *
 * @param model A fitted model.
 * @param member The image (project and `vision` block).
 * @returns Box, probability that the creator crops, and whether a subject was found.
 * @example
 * ```ts
 * import type { GroupMemberInput } from "../types.ts";
 * declare const model: Parameters<typeof proposeSubjectCrop>[0], member: GroupMemberInput;
 * const { box, needs } = proposeSubjectCrop(model, member);
 * ```
 */
export function proposeSubjectCrop(
  model: SubjectCropModel,
  member: Pick<GroupMemberInput, "features" | "project">,
): { box: Box; needs: number; subject: boolean } {
  const s = subjectView(member);
  const row = { project: member.project, phi: s ? phi(s) : null };
  const x = noCropInput(model, row);
  const z = dot(model.no_crop.w, x) + (model.no_crop.project_bias[member.project] ?? 0);
  return {
    box: boxOf(model, member.project, row.phi),
    needs: 1 - 1 / (1 + Math.exp(-z)),
    subject: s !== null,
  };
}

/**
 * Check a subject model read from disk before it is used: a model saved by another version of
 * keeper reads another vision layout, and its coefficients would be applied to the wrong terms.
 *
 * @param model The `subject` part of a `crop.json`.
 * @param file The file it came from (for the message).
 * @throws Error naming the file, the field and the fix when the version or a length differs.
 * @example
 * ```ts
 * declare const meta: { subject?: unknown };
 * if (meta.subject) checkSubjectCropModel(meta.subject, "models/crop.json");
 * ```
 */
export function checkSubjectCropModel(model: unknown, file: string): void {
  const m = model as Partial<SubjectCropModel>;
  const retrain = "retrain with `deno task train` (the vision results are cached)";
  if (m?.version !== SUBJECT_CROP_VERSION) {
    throw new Error(
      `${file}: field "subject.version" is ${JSON.stringify(m?.version)}, this keeper reads ` +
        `${SUBJECT_CROP_VERSION}; ${retrain}`,
    );
  }
  const parts = [["global", m.global], ...Object.entries(m.projects ?? {})] as const;
  for (const [name, c] of parts) {
    for (const k of ["y1", "y2", "cx"] as const) {
      const n = (c as Partial<Coefs> | undefined)?.[k]?.length;
      if (n !== PHI) {
        const where = name === "global" ? "subject.global" : `subject.projects.${name}`;
        throw new Error(
          `${file}: field "${where}.${k}" has ${
            n ?? "no"
          } coefficients, expected ${PHI}; ${retrain}`,
        );
      }
    }
  }
}
