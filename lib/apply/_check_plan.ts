/**
 * A plan read back from disk (by recover and rollback) is checked with the
 * rules planning follows before any step is acted on: its run id, folders,
 * every step's kind, paths, hash, size and box. Steps are then resolved
 * against the sandbox root given on the command line, never the root the
 * plan names.
 *
 * @module
 */
import { folderProblems, OUTPUT_KEYS, OWN_KEYS, RESERVED_NAMES } from "./_folders.ts";
import { relPathProblem } from "./_guard.ts";
import type { ApplyFolders, ApplyPlan, PlanStep } from "./types.ts";

/** What {@linkcode checkLoadedPlan} needs to know. */
export interface CheckPlanOptions {
  /** Real path of the `--sandbox` given. */
  root: string;
  runId: string;
  /** For messages. */
  planPath: string;
  /** Act on a plan made in another folder (a copied or moved sandbox), by relative paths. */
  relocated: boolean;
}

const KINDS = new Set(["mkdir", "move", "copy", "crop"]);
const SHA = /^[0-9a-f]{64}$/;

function under(path: string, folder: string): boolean {
  return path.startsWith(`${folder}/`);
}

/**
 * Validate `raw` as the plan of run `runId` and return it bound to `root`
 * (its `sandbox_root` replaced; the plan's own root is never used).
 *
 * @param raw The parsed plan file.
 * @param options Root, run id, path, relocation policy.
 * @returns The checked plan and the root it was made in.
 * @example
 * ```ts
 * declare const text: string, root: string, runId: string, planPath: string;
 * const { plan } = checkLoadedPlan(JSON.parse(text), { root, runId, planPath, relocated: false });
 * ```
 */
export function checkLoadedPlan(
  raw: unknown,
  options: CheckPlanOptions,
): { plan: ApplyPlan; madeIn: string } {
  const { root, runId, planPath } = options;
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot open run "${runId}": plan "${planPath}" ${why}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("is not a JSON object");
  const plan = raw as ApplyPlan;
  if (plan.version !== 1) fail(`has version ${JSON.stringify(plan.version)} (expected 1)`);
  if (plan.run_id !== runId) fail(`is for run "${String(plan.run_id)}"`);
  if (typeof plan.sandbox_root !== "string") fail("has no sandbox_root");
  if (plan.sandbox_root !== root && !options.relocated) {
    throw new Error(
      `Cannot open run "${runId}": its plan was made for sandbox "${plan.sandbox_root}", ` +
        `not "${root}". keeper acts only inside the --sandbox given, by relative paths: if you ` +
        `copied or moved this sandbox, pass --relocated to act on "${root}"; otherwise this ` +
        `journal does not belong here (remove "${runId}.jsonl" from its journal folder)`,
    );
  }
  const f = plan.folders as unknown;
  if (typeof f !== "object" || f === null) fail("has no folders");
  const folders = f as ApplyFolders;
  for (const key of [...OUTPUT_KEYS, ...OWN_KEYS]) {
    if (typeof folders[key] !== "string") fail(`has no folder "${key}"`);
  }
  const bad = folderProblems(root, folders);
  if (bad.length > 0) fail(`names a bad folder: ${bad[0]!.message}`);
  if (!Array.isArray(plan.steps) || !Array.isArray(plan.groups)) fail("has no steps or groups");
  const totals = plan.totals as unknown as Record<string, unknown> | undefined;
  if (typeof totals !== "object" || totals === null || totals["errors"] !== 0) {
    fail("is not an error-free plan (it could never have been executed)");
  }
  const outputs = OUTPUT_KEYS.map((k) => folders[k]);
  const own = [...OWN_KEYS.map((k) => folders[k]), ...RESERVED_NAMES];
  plan.steps.forEach((s, i) => {
    const why = stepProblem(s, i, outputs, own);
    if (why !== null) fail(`step ${i}: ${why}`);
  });
  return { plan: { ...plan, sandbox_root: root }, madeIn: plan.sandbox_root };
}

function stepProblem(
  s: PlanStep,
  i: number,
  outputs: string[],
  own: readonly string[],
): string | null {
  if (typeof s !== "object" || s === null) return "is not an object";
  if (s.index !== i) return `has index ${JSON.stringify(s.index)}`;
  if (!KINDS.has(s.kind)) return `has kind ${JSON.stringify(s.kind)}`;
  if (typeof s.group_id !== "string") return "has no group_id";
  const destWhy = relPathProblem(s.dest);
  if (destWhy !== null) return `dest "${String(s.dest)}" ${destWhy}`;
  if (own.some((o) => s.dest === o || under(s.dest, o))) {
    return `dest "${s.dest}" is inside keeper's own folders`;
  }
  if (s.kind === "mkdir") {
    const ok = outputs.some((o) => o === s.dest || under(o, s.dest) || under(s.dest, o));
    return ok ? null : `creates "${s.dest}", which is not an output folder`;
  }
  if (!outputs.some((o) => under(s.dest, o))) {
    return `dest "${s.dest}" is not inside an output folder`;
  }
  const srcWhy = relPathProblem(s.source);
  if (srcWhy !== null) return `source "${String(s.source)}" ${srcWhy}`;
  if (own.some((o) => s.source === o || under(s.source, o))) {
    return `source "${s.source}" is inside keeper's own folders`;
  }
  if (typeof s.sha256 !== "string" || !SHA.test(s.sha256)) return "has no sha256";
  if (!Number.isInteger(s.size) || s.size < 0) return "has no size";
  if (s.kind === "crop") {
    const b = s.box as unknown;
    const ok = Array.isArray(b) && b.length === 4 &&
      b.every((v) => typeof v === "number" && v >= 0 && v <= 1) && b[0] < b[2] && b[1] < b[3];
    if (!ok) return `has crop box ${JSON.stringify(b)}`;
  }
  return null;
}
