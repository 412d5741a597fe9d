/**
 * Build an apply plan from approved + automation decisions: every move, copy
 * and crop with source, destination and reason, checked against the sandbox
 * before anything moves.
 *
 * @module
 */
import { basename, dirname, join, posix, relative } from "node:path";
import {
  isInsideSandbox,
  readApprovedDecisions,
  readAutomationDecisions,
  resolveDecisionPath,
  validateApprovedDecision,
  validateAutomationDecision,
} from "../decisions/mod.ts";
import { companionsOf, groupStemOf, stemOf } from "../paths/mod.ts";
import { SchemaError } from "../schema/mod.ts";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import { cropProblems } from "./_check_crops.ts";
import { folderProblems } from "./_folders.ts";
import { checkRunId, RUN_ID_PATTERN } from "./_guard.ts";
import { readLedger } from "./_ledger.ts";
import { cachedExists, lexists, sha256File } from "./_ops.ts";
import { writePlanFile } from "./_plan_file.ts";
import type {
  ApplyFolders,
  ApplyPlan,
  PlanGroup,
  PlanProblem,
  PlanStep,
  PlanTotals,
  ProblemKind,
} from "./types.ts";

/** Default output folders, modelled on the original tool's `__selected/`, `__crop/`, `__cropped/`. */
export const DEFAULT_FOLDERS: Readonly<ApplyFolders> = Object.freeze({
  selected: "__selected",
  cropped: "__cropped",
  uncropped: "__uncropped",
  manualCrop: "__crop",
  notSelected: "__not_selected",
  plans: "plans",
  journal: "journal",
  logs: "file_operations_logs",
});

/** Options for {@linkcode planApply}. */
export interface PlanApplyOptions {
  /** Approved decisions file (default `<root>/approved_decisions.jsonl`). */
  approvedFile?: string;
  /** Automation decisions file (default `<root>/automation_decisions.jsonl`). */
  decisionsFile?: string;
  /** In-process records instead of reading `approvedFile` (the demo). */
  approved?: readonly ApprovedDecision[] | null;
  /** In-process records instead of reading `decisionsFile`. */
  decisions?: readonly AutomationDecision[] | null;
  /** Output folder names (relative to the root). */
  folders?: Partial<ApplyFolders>;
  /** An image without any companion: a warning, or an error that blocks the run. */
  missingCompanions?: "warn" | "refuse";
  /** The same group twice in the approved file: an error, or the last record wins. */
  duplicates?: "refuse" | "last";
  /** Compare each image's bytes with the decision's sha256. */
  verifyHashes?: boolean;
  /**
   * An image that was unreadable when decided (`sha256: ""`, so nobody checked its bytes):
   * an error that blocks the run, or a warning (its bytes are hashed now and verified at the move).
   */
  unreadable?: "refuse" | "warn";
  /** Run id (default: UTC `YYYYMMDD_HHMMSS_` + 4 hex). */
  runId?: string;
  /** Clock for the run id and `created`. */
  now?: Date;
  /** Write `plans/<run-id>.json` (fsync'd, atomic). */
  writePlan?: boolean;
  /**
   * `project`: keep `<project>/<character>/` beneath each output folder; `flat`: every file
   * directly in the output folder (the original tool's layout).
   */
  tree?: "project" | "flat";
}

const defaults: Required<PlanApplyOptions> = {
  approvedFile: "",
  decisionsFile: "",
  approved: null,
  decisions: null,
  folders: {},
  missingCompanions: "refuse",
  duplicates: "refuse",
  verifyHashes: true,
  unreadable: "refuse",
  runId: "",
  now: new Date(0),
  writePlan: true,
  tree: "project",
} satisfies Required<PlanApplyOptions>;

export { RUN_ID_PATTERN };

/**
 * A fresh run id: UTC `YYYYMMDD_HHMMSS` (the original FileTracker session id) plus 4 hex.
 *
 * @param now The clock.
 * @returns e.g. `20261127_123000_9f3a`.
 * @example
 * ```ts
 * newRunId(new Date()); // "20261127_123000_9f3a"
 * ```
 */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
  const hex = Array.from(
    crypto.getRandomValues(new Uint8Array(2)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  return `${stamp}_${hex}`;
}

interface Source {
  abs: string;
  rel: string;
  sha256: string;
  size: number;
  ino: number | null;
  mtime: Date | null;
}

interface Ctx {
  root: string;
  folders: ApplyFolders;
  opts: Required<PlanApplyOptions>;
  problems: PlanProblem[];
  claimed: Map<string, string>;
  dests: Map<string, string>;
  mkdirs: string[];
  dirIndex: Map<string, Map<string, string[]>>;
  destNames: Map<string, Set<string>>;
}

/**
 * Build the plan (and, by default, write it to `<root>/plans/<run-id>.json`).
 * Never moves anything. Data problems are collected in `plan.problems`; any
 * `error` makes {@linkcode executePlan} refuse the whole plan.
 *
 * @param sandboxRoot The sandbox root; every source and destination must lie inside it.
 * @param options Files, folders, policies.
 * @returns The plan.
 * @example
 * ```ts
 * const plan = await planApply("sandbox");
 * console.log(plan.totals.moves, plan.problems.length);
 * ```
 */
export async function planApply(
  sandboxRoot: string,
  options: PlanApplyOptions = {},
): Promise<ApplyPlan> {
  const opts = { ...defaults, ...options };
  const now = options.now ?? new Date();
  const runId = opts.runId !== "" ? opts.runId : newRunId(now);
  checkRunId(runId, "plan");
  let root: string;
  try {
    root = Deno.realPathSync(sandboxRoot);
  } catch (error) {
    throw new Error(`Cannot plan: sandbox root "${sandboxRoot}" does not exist`, { cause: error });
  }
  const folders: ApplyFolders = { ...DEFAULT_FOLDERS, ...opts.folders };
  const approvedFile = opts.approvedFile !== ""
    ? opts.approvedFile
    : join(root, "approved_decisions.jsonl");
  const decisionsFile = opts.decisionsFile !== ""
    ? opts.decisionsFile
    : join(root, "automation_decisions.jsonl");
  const ctx: Ctx = {
    root,
    folders,
    opts,
    problems: [],
    claimed: new Map(),
    dests: new Map(),
    mkdirs: [],
    dirIndex: new Map(),
    destNames: new Map(),
  };
  const plan: ApplyPlan = {
    version: 1,
    run_id: runId,
    created: now.toISOString(),
    sandbox_root: root,
    approved_file: approvedFile,
    decisions_file: decisionsFile,
    folders,
    steps: [],
    groups: [],
    problems: ctx.problems,
    totals: emptyTotals(),
  };
  checkFolders(ctx);
  const loaded = await loadRecords(ctx, approvedFile, decisionsFile);
  if (loaded !== null && !ctx.problems.some((p) => p.kind === "bad_folder")) {
    const ledger = readLedger(join(root, folders.journal));
    for (const name of ledger.invalid) {
      problem(
        ctx,
        "bad_run_id",
        `${folders.journal}/${name}`,
        null,
        `Ignoring journal "${folders.journal}/${name}": its name is not a run id (never opened)`,
        "warning",
      );
    }
    for (const run of ledger.interrupted) {
      problem(
        ctx,
        "interrupted_run",
        `run ${run}`,
        null,
        `run "${run}" was interrupted; ` +
          `run \`deno task apply --recover\` first`,
      );
    }
    let groupSteps = planGroups(ctx, loaded, ledger.applied, plan.groups);
    // Crops are probed now (header, pixel limit, minimum size), never found broken mid-run.
    const badCrops = await cropProblems(root, groupSteps);
    for (const c of badCrops) {
      const g = plan.groups.find((x) => x.group_id === c.step.group_id);
      const record = g ? `${loaded.label}:${g.line} (${g.group_id})` : c.step.group_id;
      problem(ctx, c.kind, record, c.step.group_id, `Cannot apply ${record}: ${c.message}`);
      if (g) {
        g.outcome = "refused";
        g.steps = 0;
      }
    }
    const refused = new Set(badCrops.map((c) => c.step.group_id));
    groupSteps = groupSteps.filter((s) => !refused.has(s.group_id));
    const mkdirSteps: PlanStep[] = ctx.mkdirs.map((dir) => ({
      index: 0,
      group_id: "",
      kind: "mkdir",
      source: "",
      dest: dir,
      reason: "output folder",
      sha256: "",
      size: 0,
    }));
    plan.steps = [...mkdirSteps, ...groupSteps].map((s, index) => ({ ...s, index }));
  }
  plan.totals = totalsOf(plan);
  if (opts.writePlan) await writePlanFile(join(root, folders.plans, `${runId}.json`), plan);
  return plan;
}

function emptyTotals(): PlanTotals {
  return {
    groups: 0,
    groups_applied: 0,
    groups_unchanged: 0,
    groups_already_applied: 0,
    moves: 0,
    copies: 0,
    crops: 0,
    mkdirs: 0,
    conflicts: 0,
    errors: 0,
    warnings: 0,
  };
}

function totalsOf(plan: ApplyPlan): PlanTotals {
  const t = emptyTotals();
  t.groups = plan.groups.length;
  for (const g of plan.groups) {
    if (g.outcome === "apply") t.groups_applied++;
    else if (g.outcome === "unchanged") t.groups_unchanged++;
    else if (g.outcome === "already_applied") t.groups_already_applied++;
  }
  for (const s of plan.steps) {
    if (s.kind === "move") t.moves++;
    else if (s.kind === "copy") t.copies++;
    else if (s.kind === "crop") t.crops++;
    else t.mkdirs++;
  }
  for (const p of plan.problems) {
    if (p.severity === "error") t.errors++;
    else t.warnings++;
    if (["destination_exists", "duplicate_destination", "shared_file"].includes(p.kind)) {
      t.conflicts++;
    }
  }
  return t;
}

function problem(
  ctx: Ctx,
  kind: ProblemKind,
  record: string,
  groupId: string | null,
  message: string,
  severity: "error" | "warning" = "error",
): void {
  ctx.problems.push({ kind, severity, record, group_id: groupId, message });
}

function checkFolders(ctx: Ctx): void {
  // Same rules as recover and rollback apply to a plan read back from disk.
  for (const p of folderProblems(ctx.root, ctx.folders)) {
    problem(ctx, "bad_folder", `folder ${p.key}`, null, p.message);
  }
}

interface Loaded {
  approved: { rec: ApprovedDecision; line: number }[];
  autos: Map<string, AutomationDecision>;
  /** Lines of each group id in the automation decisions (more than one: refused). */
  autoLines: Map<string, number[]>;
  label: string;
  autoLabel: string;
}

async function loadRecords(
  ctx: Ctx,
  approvedFile: string,
  decisionsFile: string,
): Promise<Loaded | null> {
  const label = ctx.opts.approved !== null ? "<approved>" : basename(approvedFile);
  let approved: ApprovedDecision[];
  let autos: AutomationDecision[];
  try {
    // Records passed in memory are validated exactly like file lines.
    approved = ctx.opts.approved !== null
      ? ctx.opts.approved.map((r, i) =>
        validateApprovedDecision(r, { file: "<approved>", line: i + 1 })
      )
      : await readApprovedDecisions(approvedFile);
    autos = ctx.opts.decisions !== null
      ? ctx.opts.decisions.map((r, i) =>
        validateAutomationDecision(r, { file: "<decisions>", line: i + 1 })
      )
      : await readAutomationDecisions(decisionsFile, { duplicates: "keep" });
  } catch (error) {
    if (error instanceof SchemaError) {
      const at = `${basename(error.file)}:${error.line}`;
      problem(ctx, "malformed_record", at, null, error.message);
      return null;
    }
    throw error;
  }
  const lines = ctx.opts.approved !== null
    ? approved.map((_, i) => i + 1)
    : nonBlankLines(await Deno.readTextFile(approvedFile).catch(() => ""));
  const autoFileLines = ctx.opts.decisions !== null
    ? autos.map((_, i) => i + 1)
    : nonBlankLines(await Deno.readTextFile(decisionsFile).catch(() => ""));
  const autoLines = new Map<string, number[]>();
  autos.forEach((a, i) => {
    autoLines.set(a.group_id, [...(autoLines.get(a.group_id) ?? []), autoFileLines[i] ?? i + 1]);
  });
  return {
    approved: approved.map((rec, i) => ({ rec, line: lines[i] ?? i + 1 })),
    autos: new Map(autos.map((a) => [a.group_id, a])),
    autoLines,
    label,
    autoLabel: ctx.opts.decisions !== null ? "<decisions>" : basename(decisionsFile),
  };
}

function nonBlankLines(text: string): number[] {
  const out: number[] = [];
  text.split("\n").forEach((l, i) => {
    if (l.trim() !== "") out.push(i + 1);
  });
  return out;
}

function planGroups(
  ctx: Ctx,
  loaded: Loaded,
  applied: Map<string, string>,
  groups: PlanGroup[],
): PlanStep[] {
  const steps: PlanStep[] = [];
  const byGroup = new Map<string, number[]>();
  for (const { rec, line } of loaded.approved) {
    byGroup.set(rec.group_id, [...(byGroup.get(rec.group_id) ?? []), line]);
  }
  const seen = new Set<string>();
  const ordered = ctx.opts.duplicates === "last" ? [...loaded.approved].reverse() : loaded.approved;
  const chosen: { rec: ApprovedDecision; line: number }[] = [];
  for (const item of ordered) {
    const lines = byGroup.get(item.rec.group_id) ?? [];
    if (lines.length > 1 && ctx.opts.duplicates === "refuse") {
      if (!seen.has(item.rec.group_id)) {
        problem(
          ctx,
          "duplicate_group",
          `${loaded.label}:${lines.join(",")} (${item.rec.group_id})`,
          item.rec.group_id,
          `Cannot apply group "${item.rec.group_id}": it appears on lines ` +
            `${lines.join(", ")} of ${loaded.label} (pass --duplicates last to take the later ` +
            `verdict)`,
        );
      }
      seen.add(item.rec.group_id);
      groups.push(groupOf(item.rec, item.line, "refused", null));
      continue;
    }
    if (seen.has(item.rec.group_id)) continue;
    seen.add(item.rec.group_id);
    chosen.push(item);
  }
  if (ctx.opts.duplicates === "last") chosen.reverse();
  for (const { rec, line } of chosen) {
    const record = `${loaded.label}:${line} (${rec.group_id})`;
    if (rec.action === "reject" || rec.action === "skip") {
      groups.push(groupOf(rec, line, "unchanged", null));
      continue;
    }
    if (applied.has(rec.group_id)) {
      groups.push(groupOf(rec, line, "already_applied", null));
      continue;
    }
    const autoAt = loaded.autoLines.get(rec.group_id) ?? [];
    if (autoAt.length > 1) {
      // Which of the records the person reviewed is unknown: never guess (last-one-wins).
      problem(
        ctx,
        "duplicate_group",
        `${loaded.autoLabel}:${autoAt.join(",")} (${rec.group_id})`,
        rec.group_id,
        `Cannot apply ${record}: group "${rec.group_id}" appears on lines ${autoAt.join(", ")} ` +
          `of ${loaded.autoLabel}; keep one (re-run decide with --force to rewrite the file)`,
      );
      groups.push(groupOf(rec, line, "refused", null));
      continue;
    }
    const before = ctx.problems.filter((p) => p.severity === "error").length;
    const mine = planOneGroup(ctx, rec, loaded.autos.get(rec.group_id), record);
    const failed = ctx.problems.filter((p) => p.severity === "error").length > before;
    const final = mine.final;
    const g = groupOf(rec, line, failed ? "refused" : "apply", final);
    if (!failed) {
      g.steps = mine.steps.length;
      steps.push(...mine.steps);
    }
    groups.push(g);
  }
  return steps;
}

function groupOf(
  rec: ApprovedDecision,
  line: number,
  outcome: PlanGroup["outcome"],
  final: string | null,
): PlanGroup {
  return {
    group_id: rec.group_id,
    action: rec.action,
    line,
    outcome,
    final,
    crop: rec.crop_coords !== null && rec.manual_crop !== true,
    manual_crop: rec.manual_crop === true,
    steps: 0,
  };
}

function planOneGroup(
  ctx: Ctx,
  rec: ApprovedDecision,
  auto: AutomationDecision | undefined,
  record: string,
): { steps: PlanStep[]; final: string | null } {
  const gid = rec.group_id;
  const steps: PlanStep[] = [];
  if (auto === undefined) {
    problem(
      ctx,
      "unknown_group",
      record,
      gid,
      `Cannot apply ${record}: no automation decision ` +
        `has group "${gid}" (pass --decisions <the file decide wrote>)`,
    );
    return { steps, final: null };
  }
  if (ctx.opts.tree !== "flat" && projectProblem(auto.project) !== null) {
    problem(
      ctx,
      "bad_project",
      record,
      gid,
      `Cannot apply ${record}: project "${auto.project}" ${projectProblem(auto.project)}; ` +
        `it names the destination folder (fix the decision's project, or pass --flat)`,
    );
    return { steps, final: null };
  }
  const choice = rec.final_choice;
  if (choice === null || !Number.isInteger(choice) || choice < 0 || choice >= auto.images.length) {
    problem(
      ctx,
      "invalid_choice",
      record,
      gid,
      `Cannot apply ${record}: final_choice ` +
        `"${choice}" is not an index of its ${auto.images.length} images`,
    );
    return { steps, final: null };
  }
  const sources = auto.images.map((img) => resolveSource(ctx, img.path, img.sha256, record, gid));
  if (sources.some((s) => s === null)) return { steps, final: null };
  const srcs = sources as Source[];
  const finalSrc = srcs[choice]!;
  const f = ctx.folders;
  // <folder>/<project>/<character>/…: the batch keeps the creator's project and character folders.
  const at = (folder: string, src: Source): string =>
    ctx.opts.tree === "flat" ? folder : posix.join(folder, keptTree(auto.project, src.rel));
  const verb = rec.action === "override" ? "selected (override)" : "selected";
  const members = [finalSrc, ...srcs.filter((_, i) => i !== choice)];
  for (const [k, src] of members.entries()) {
    if (!claim(ctx, src, gid, record)) continue;
    const comps = companionsFor(ctx, src, gid, record);
    if (comps === null) continue;
    const isFinal = k === 0;
    if (!isFinal) {
      for (const s of [src, ...comps]) {
        steps.push(
          step(
            ctx,
            gid,
            "move",
            s,
            at(f.notSelected, src),
            s === src ? "not selected" : `companion of ${basename(src.rel)} (not selected)`,
            record,
          ),
        );
      }
      continue;
    }
    if (rec.manual_crop === true) {
      for (const s of [src, ...comps]) {
        steps.push(
          step(
            ctx,
            gid,
            "move",
            s,
            at(f.manualCrop, src),
            s === src ? `${verb}, manual crop` : `companion of ${basename(src.rel)}`,
            record,
          ),
        );
      }
    } else if (rec.crop_coords !== null) {
      const crop = step(ctx, gid, "crop", src, at(f.cropped, src), `crop of ${verb}`, record);
      crop.box = rec.crop_coords;
      steps.push(crop);
      for (const c of comps) {
        steps.push(
          step(
            ctx,
            gid,
            "copy",
            c,
            at(f.cropped, src),
            `companion of crop ${basename(src.rel)}`,
            record,
          ),
        );
      }
      for (const s of [src, ...comps]) {
        steps.push(
          step(
            ctx,
            gid,
            "move",
            s,
            at(f.uncropped, src),
            s === src ? `${verb}, uncropped original` : `companion of ${basename(src.rel)}`,
            record,
          ),
        );
      }
    } else {
      for (const s of [src, ...comps]) {
        steps.push(
          step(
            ctx,
            gid,
            "move",
            s,
            at(f.selected, src),
            s === src ? verb : `companion of ${basename(src.rel)}`,
            record,
          ),
        );
      }
    }
  }
  return { steps, final: finalSrc.rel };
}

/** Why a project id cannot be a folder name (null: fine). */
function projectProblem(project: string): string | null {
  if (project === "" || project === "." || project === "..") return "is not a folder name";
  if (/[\\/\0]/.test(project)) return "contains a slash or NUL";
  if (project.startsWith(".")) return "starts with a dot";
  return null;
}

/**
 * The folders kept beneath an output folder for an image at `rel`:
 * `<project>/<character…>`, where the character folders are the image's folders
 * below the batch folder (the first folder under the sandbox root) and below a
 * folder named like the project.
 *
 * @example `keptTree("mojo2", "mojo2/hannah/x.png")` → `mojo2/hannah`;
 * `keptTree("mojo2", "incoming/x.png")` → `mojo2`.
 */
export function keptTree(project: string, rel: string): string {
  let dirs = rel.split("/").slice(0, -1).slice(1);
  if (dirs[0] === project) dirs = dirs.slice(1);
  return posix.join(project, ...dirs);
}

function claim(ctx: Ctx, src: Source, gid: string, record: string): boolean {
  const owner = ctx.claimed.get(src.abs);
  if (owner === undefined) {
    ctx.claimed.set(src.abs, gid);
    return true;
  }
  if (owner !== gid) {
    problem(
      ctx,
      "shared_file",
      record,
      gid,
      `Cannot apply ${record}: "${src.rel}" also belongs ` +
        `to group "${owner}"`,
    );
  }
  return false;
}

function step(
  ctx: Ctx,
  gid: string,
  kind: PlanStep["kind"],
  src: Source,
  folder: string,
  reason: string,
  record: string,
): PlanStep {
  const dest = posix.join(folder, basename(src.rel));
  const abs = join(ctx.root, folder, basename(src.rel));
  const owner = ctx.dests.get(abs);
  if (owner !== undefined) {
    problem(
      ctx,
      "duplicate_destination",
      record,
      gid,
      `Cannot apply ${record}: "${dest}" is ` +
        `also the destination of group "${owner}"`,
    );
  } else if (cachedExists(ctx.destNames, abs)) {
    problem(
      ctx,
      "destination_exists",
      record,
      gid,
      `Cannot apply ${record}: destination ` +
        `"${dest}" exists (never overwritten; move it away or pass --folder with another name)`,
    );
  }
  ctx.dests.set(abs, gid);
  ensureFolder(ctx, folder);
  return {
    index: 0,
    group_id: gid,
    kind,
    source: src.rel,
    dest,
    reason,
    sha256: src.sha256,
    size: src.size,
    ...(src.ino !== null ? { ino: src.ino } : {}),
    ...(src.mtime !== null ? { mtime_ms: src.mtime.getTime() } : {}),
  };
}

function ensureFolder(ctx: Ctx, folder: string): void {
  const parts = folder.split("/").filter((p) => p !== "" && p !== ".");
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join("/");
    if (ctx.mkdirs.includes(rel)) continue;
    if (!lexists(join(ctx.root, rel))) ctx.mkdirs.push(rel);
  }
}

function resolveSource(
  ctx: Ctx,
  path: string,
  expectedSha: string,
  record: string,
  gid: string,
): Source | null {
  const fail = (kind: ProblemKind, why: string) => {
    problem(ctx, kind, record, gid, `Cannot apply ${record}: "${path}" ${why}`);
    return null;
  };
  if (path.split(/[\\/]/).includes("..")) return fail("parent_segment", `contains ".."`);
  if (!isInsideSandbox(path)) return fail("outside_sandbox", "is outside the sandbox root");
  let abs: string;
  try {
    abs = resolveDecisionPath(ctx.root, path);
  } catch (error) {
    const link = error instanceof Error && /link/.test(error.message);
    return fail(
      link ? "symlink" : "outside_sandbox",
      link
        ? "goes through a link that leads outside the sandbox root"
        : "is outside the sandbox root",
    );
  }
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(abs);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return fail("missing_image", "does not exist");
    throw error;
  }
  if (info.isSymlink) return fail("symlink", "is a symbolic link (refused)");
  if (!info.isFile) return fail("not_a_file", "is not a regular file");
  const real = Deno.realPathSync(abs);
  const rel = relative(ctx.root, real);
  if (rel.startsWith("..")) return fail("symlink", "resolves outside the sandbox root");
  if (isManaged(ctx, rel)) return fail("outside_sandbox", "is inside a keeper output folder");
  let sha: string;
  try {
    sha = sha256File(real);
  } catch (error) {
    return fail("unreadable_image", `cannot be read (${String(error)})`);
  }
  if (ctx.opts.verifyHashes && expectedSha !== "" && sha !== expectedSha) {
    return fail(
      "hash_mismatch",
      "changed since the decision (sha256 differs); re-run decide and review it again",
    );
  }
  if (expectedSha === "") {
    const refuse = ctx.opts.unreadable === "refuse";
    const why = `was unreadable when decided (empty sha256), so nobody reviewed these bytes; ` +
      `re-run decide and review the group again` +
      (refuse ? `, or pass --unreadable warn to move it as it is now (hashed at planning)` : "");
    if (refuse) return fail("unverified_image", why);
    problem(
      ctx,
      "unverified_image",
      record,
      gid,
      `Applying ${record}: "${path}" ${why}`,
      "warning",
    );
  }
  return {
    abs: real,
    rel: rel.split("\\").join("/"),
    sha256: sha,
    size: info.size,
    ino: info.ino,
    mtime: info.mtime,
  };
}

function isManaged(ctx: Ctx, rel: string): boolean {
  const posixRel = rel.split("\\").join("/");
  const f = ctx.folders;
  return [f.plans, f.journal, f.logs].some((d) => posixRel === d || posixRel.startsWith(`${d}/`));
}

function companionsFor(ctx: Ctx, image: Source, gid: string, record: string): Source[] | null {
  const dir = dirname(image.abs);
  let index = ctx.dirIndex.get(dir);
  if (index === undefined) {
    index = new Map();
    for (const e of Deno.readDirSync(dir)) {
      const key = e.name.endsWith(".decision") ? e.name : stemOf(e.name);
      index.set(key, [...(index.get(key) ?? []), e.name]);
    }
    ctx.dirIndex.set(dir, index);
  }
  const name = basename(image.abs);
  const candidates = [
    ...(index.get(stemOf(name)) ?? []),
    ...(index.get(`${stemOf(name)}.decision`) ?? []),
    ...(index.get(`${groupStemOf(name)}.decision`) ?? []),
  ];
  const names = companionsOf(name, [...new Set(candidates)]);
  const out: Source[] = [];
  let ok = true;
  for (const n of names) {
    const abs = join(dir, n);
    const info = Deno.lstatSync(abs);
    const rel = relative(ctx.root, abs).split("\\").join("/");
    if (info.isSymlink || !info.isFile) {
      problem(
        ctx,
        info.isSymlink ? "symlink" : "not_a_file",
        record,
        gid,
        `Cannot apply ${record}: companion "${rel}" is ${
          info.isSymlink ? "a symbolic link" : "not a regular file"
        }`,
      );
      ok = false;
      continue;
    }
    const src: Source = {
      abs,
      rel,
      sha256: sha256File(abs),
      size: info.size,
      ino: info.ino,
      mtime: info.mtime,
    };
    if (ctx.claimed.has(abs)) {
      if (ctx.claimed.get(abs) !== gid) claim(ctx, src, gid, record);
      continue; // the group decision already travels with the pick
    }
    ctx.claimed.set(abs, gid);
    out.push(src);
  }
  if (names.length === 0) {
    const refuse = ctx.opts.missingCompanions === "refuse";
    problem(
      ctx,
      "missing_companion",
      record,
      gid,
      `${refuse ? "Cannot apply" : "Applying"} ` +
        `${record}: "${image.rel}" has no companion file (.yaml, .caption, …)` +
        (refuse ? "; pass --missing-companions warn to apply it without" : ""),
      refuse ? "error" : "warning",
    );
  }
  return ok ? out : null;
}
