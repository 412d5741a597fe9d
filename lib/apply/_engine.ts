/**
 * The step engine shared by execute, recover and rollback: perform, reconcile
 * (after a crash) and undo plan steps, journaling each batch (one group)
 * before and after it touches the tree.
 *
 * @module
 */
import { dirname } from "node:path";
import { appendAudit, auditEntries } from "./_audit.ts";
import { copyToTemp, cropToTemp, isCropOf } from "./_crop.ts";
import { checkRoot, guardedPath, TreeChangedError } from "./_guard.ts";
import type { Journal, JournalState } from "./_journal.ts";
import {
  type FaultHook,
  lexists,
  linkTempIntoPlace,
  moveVerified,
  removeIfPresent,
  sameInode,
  sha256File,
  syncDir,
  tmpPathFor,
} from "./_ops.ts";
import type { ApplyPlan, ApplySummary, PlanStep } from "./types.ts";

/** Everything a pass over the steps needs. */
export interface EngineCtx {
  plan: ApplyPlan;
  journal: Journal;
  state: JournalState;
  auditPath: string;
  hook?: FaultHook | undefined;
  /** Whole groups are added to a journal batch until it holds this many steps. */
  batchSteps?: number;
}

/** Default steps per journal batch (fewer fsyncs; each step still has intent before, done after). */
export const DEFAULT_BATCH_STEPS = 256;

/**
 * Steps in journal batches: the folder steps first, then whole groups until
 * a batch holds `batchSteps` steps (a group is never split).
 */
export function batchesOf(plan: ApplyPlan, batchSteps = DEFAULT_BATCH_STEPS): PlanStep[][] {
  const out: PlanStep[][] = [];
  let current: PlanStep[] = [];
  let gid: string | null = null;
  for (const s of plan.steps) {
    const boundary = s.group_id !== gid && (gid === "" || current.length >= batchSteps);
    if (boundary && current.length > 0) {
      out.push(current);
      current = [];
    }
    gid = s.group_id;
    current.push(s);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The absolute path of a plan path, re-resolved now under the run's real
 * sandbox root: every folder on the way must be a real folder (no link).
 */
function abs(plan: ApplyPlan, rel: string, missingOk = false): string {
  return guardedPath(plan.sandbox_root, rel, { missingOk });
}

const sameFile = sameInode;

/** Perform every step the journal does not record as done; returns how many. */
export async function runForward(ctx: EngineCtx): Promise<number> {
  const { plan, journal, state, hook } = ctx;
  let performed = 0;
  for (const batch of batchesOf(plan, ctx.batchSteps)) {
    const todo = batch.filter((s) => !state.done.has(s.index));
    if (todo.length === 0) continue;
    checkRoot(plan.sandbox_root);
    // New files (copies, crops) are written to temp names and fsync'd concurrently
    // first, so each batch's data is durable and a crop's sha256 can be journaled.
    // Steps intended before this pass were interrupted: reconcile them with the disk.
    const stale = new Set(todo.filter((s) => state.intents.has(s.index)).map((s) => s.index));
    const tempSha = new Map<number, string>();
    // allSettled: a failure must not leave another temp file still being written after it.
    const prepared = await Promise.allSettled(todo.map(async (s) => {
      if (s.kind !== "crop" && s.kind !== "copy") return;
      const dst = abs(plan, s.dest);
      const again = stale.has(s.index);
      if (again && lexists(dst)) return;
      const tmp = tmpPathFor(dst, `f${s.index}`);
      const src = abs(plan, s.source);
      tempSha.set(
        s.index,
        s.kind === "crop"
          ? await cropToTemp(src, tmp, s, again)
          : await copyToTemp(src, tmp, s, again),
      );
      hook?.("prepare:temp");
    }));
    const failed = prepared.find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    for (const s of todo) {
      if (state.intents.has(s.index)) continue;
      const sha = tempSha.get(s.index);
      const info = sha === undefined || s.kind !== "crop" ? {} : { out_sha256: sha };
      journal.add({ t: "intent", i: s.index, ...info });
      state.intents.set(s.index, info);
    }
    journal.flush();
    hook?.("batch:intents");
    const results = new Map<number, { created?: boolean; out_sha256?: string }>();
    for (const s of todo) {
      results.set(
        s.index,
        stale.has(s.index)
          ? forwardStep(plan, s, state, tempSha.get(s.index), hook)
          : freshStep(plan, s, tempSha.get(s.index), hook),
      );
      hook?.(`step:${s.kind}`);
    }
    for (const d of new Set(todo.flatMap((s) => [dirname(abs(plan, s.dest))]))) syncDir(d);
    appendAudit(ctx.auditPath, auditEntries(plan.run_id, todo, "keeper apply"));
    for (const s of todo) {
      const r = results.get(s.index) ?? {};
      journal.add({ t: "done", i: s.index, ...r });
      state.done.set(s.index, r);
    }
    journal.flush();
    hook?.("batch:done");
    performed += todo.length;
  }
  return performed;
}

/** A step never attempted before: the no-overwrite primitives themselves refuse conflicts. */
function freshStep(
  plan: ApplyPlan,
  s: PlanStep,
  tempSha: string | undefined,
  hook: FaultHook | undefined,
): { created?: boolean; out_sha256?: string } {
  const dst = abs(plan, s.dest);
  if (s.kind === "mkdir") {
    Deno.mkdirSync(dst);
    return { created: true };
  }
  if (s.kind === "move") {
    moveVerified(abs(plan, s.source), dst, s.sha256, `f${s.index}`, hook);
    return {};
  }
  if (tempSha === undefined) throw new Error(`Cannot write "${s.dest}": no temp file prepared`);
  linkTempIntoPlace(tmpPathFor(dst, `f${s.index}`), dst, hook);
  return s.kind === "crop" ? { out_sha256: tempSha } : {};
}

/** A step that may have happened in part before a crash: look at the disk first. */
function forwardStep(
  plan: ApplyPlan,
  s: PlanStep,
  state: JournalState,
  tempSha: string | undefined,
  hook: FaultHook | undefined,
): { created?: boolean; out_sha256?: string } {
  const dst = abs(plan, s.dest);
  const tag = `f${s.index}`;
  if (s.kind === "mkdir") {
    try {
      Deno.mkdirSync(dst);
      return { created: true };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      if (!Deno.statSync(dst).isDirectory) {
        throw new Error(`Cannot create folder "${s.dest}": a file has that name`);
      }
      // Planned as absent: if the journal says we intended it, it is ours.
      return { created: state.intents.has(s.index) };
    }
  }
  const src = abs(plan, s.source);
  const tmp = tmpPathFor(dst, tag);
  if (s.kind === "move") removeIfPresent(tmp);
  const srcThere = lexists(src);
  const dstThere = lexists(dst);
  if (s.kind === "move") {
    if (dstThere && srcThere) {
      if (
        sameFile(src, dst) ||
        (isPlainFile(src) && isPlainFile(dst) && sha256File(dst) === s.sha256 &&
          sha256File(src) === s.sha256)
      ) {
        Deno.removeSync(src); // the crash fell between link and unlink
        return {};
      }
      throw new Error(
        `Cannot move "${s.source}": destination "${s.dest}" exists with other content`,
      );
    }
    if (dstThere) {
      if (!isPlainFile(dst) || sha256File(dst) !== s.sha256) {
        throw new TreeChangedError(
          `Cannot move "${s.source}": "${s.dest}" exists with other content`,
        );
      }
      return {};
    }
    if (!srcThere) throw new TreeChangedError(`Cannot move "${s.source}": it is missing`);
    moveVerified(src, dst, s.sha256, tag, hook);
    return {};
  }
  const expected = s.kind === "copy" ? s.sha256 : state.intents.get(s.index)?.out_sha256;
  if (dstThere) {
    const have = isPlainFile(dst) ? sha256File(dst) : "";
    if (expected !== undefined && have === expected) {
      return s.kind === "crop" ? { out_sha256: have } : {};
    }
    throw new Error(`Cannot write "${s.dest}": it exists and is not keeper's ${s.kind}`);
  }
  if (tempSha === undefined || !lexists(tmp)) {
    throw new Error(`Cannot write "${s.dest}": its temp file was not prepared`);
  }
  linkTempIntoPlace(tmp, dst, hook);
  return s.kind === "crop" ? { out_sha256: tempSha } : {};
}

/** Remove every temp file the run could have left (a crash mid-write leaves only these). */
export function sweepTemps(plan: ApplyPlan): void {
  for (const s of plan.steps) {
    if (s.kind === "mkdir") continue;
    removeIfPresent(tmpPathFor(abs(plan, s.dest, true), `f${s.index}`));
    if (s.kind === "move") removeIfPresent(tmpPathFor(abs(plan, s.source, true), `u${s.index}`));
  }
}

/** A regular file (not a link, folder or device). */
function isPlainFile(path: string): boolean {
  return Deno.lstatSync(path).isFile;
}

/** Undo every step the journal says was intended or done (reverse order). */
export async function runUndo(ctx: EngineCtx): Promise<number> {
  const { plan, journal, state, hook } = ctx;
  if (!state.rollbackBegun) {
    journal.add({ t: "rollback_begin", time: new Date().toISOString(), reason: "undo" });
    journal.flush();
    state.rollbackBegun = true;
  }
  sweepTemps(plan);
  let undone = 0;
  for (const batch of batchesOf(plan, ctx.batchSteps).reverse()) {
    checkRoot(plan.sandbox_root);
    const todo = batch.filter((s) =>
      (state.intents.has(s.index) || state.done.has(s.index)) && !state.undone.has(s.index)
    ).reverse();
    if (todo.length === 0) continue;
    for (const s of todo) {
      if (state.undoIntents.has(s.index)) continue;
      journal.add({ t: "undo_intent", i: s.index });
      state.undoIntents.add(s.index);
    }
    journal.flush();
    hook?.("undo:intents");
    for (const s of todo) {
      await undoStep(plan, s, state, hook);
      hook?.(`undo:${s.kind}`);
    }
    for (const s of todo) {
      if (s.kind !== "mkdir") syncDir(dirname(abs(plan, s.source, true)));
    }
    appendAudit(ctx.auditPath, auditEntries(plan.run_id, todo, "keeper apply rollback", true));
    for (const s of todo) {
      journal.add({ t: "undone", i: s.index });
      state.undone.add(s.index);
    }
    journal.flush();
    hook?.("undo:done");
    undone += todo.length;
  }
  journal.add({ t: "rollback_end", time: new Date().toISOString() });
  journal.flush();
  state.rolledBack = true;
  return undone;
}

async function undoStep(
  plan: ApplyPlan,
  s: PlanStep,
  state: JournalState,
  hook?: FaultHook,
): Promise<void> {
  const dst = abs(plan, s.dest, s.kind === "mkdir");
  removeIfPresent(tmpPathFor(dst, `f${s.index}`));
  if (s.kind === "mkdir") {
    if (state.done.get(s.index)?.created === false) return;
    try {
      if (!Deno.lstatSync(dst).isDirectory) return; // something else took the name: not ours
      Deno.removeSync(dst); // only when empty: never removes anything else
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (Deno.readDirSync(dst)[Symbol.iterator]().next().done === false) return;
      throw error;
    }
    return;
  }
  const src = abs(plan, s.source);
  const srcThere = lexists(src);
  const dstThere = lexists(dst);
  if (s.kind === "move") {
    removeIfPresent(tmpPathFor(src, `u${s.index}`));
    if (dstThere && !srcThere) {
      moveVerified(dst, src, s.sha256, `u${s.index}`, hook);
    } else if (dstThere && srcThere) {
      // Both names: drop the destination only when it is the same file or the same bytes.
      const same = sameFile(src, dst) ||
        (isPlainFile(src) && isPlainFile(dst) && sha256File(src) === s.sha256 &&
          sha256File(dst) === s.sha256);
      if (same) Deno.removeSync(dst);
      else {
        throw new TreeChangedError(
          `Cannot roll back "${s.dest}": "${s.source}" exists with other content`,
        );
      }
    } else if (!srcThere) {
      throw new Error(`Cannot roll back "${s.dest}": neither it nor "${s.source}" exists`);
    }
    return;
  }
  if (!dstThere) return;
  const expected = s.kind === "copy"
    ? s.sha256
    : state.done.get(s.index)?.out_sha256 ?? state.intents.get(s.index)?.out_sha256;
  if (!isPlainFile(dst) || sha256File(dst) !== expected) {
    throw new TreeChangedError(`Cannot roll back "${s.dest}": it changed after the run (kept)`);
  }
  // Only a file that can be made again from a source still in place is removed:
  // a copy beside its identical source, a crop that the source still yields.
  const source = srcThere && isPlainFile(src) && sha256File(src) === s.sha256;
  if (!source || (s.kind === "crop" && !(await isCropOf(src, dst, s)))) {
    throw new TreeChangedError(
      `Cannot roll back "${s.dest}": its source "${s.source}" is not back in place with the ` +
        `planned content, so removing it could lose bytes (kept)`,
    );
  }
  Deno.removeSync(dst);
}

/** A summary of a run from its plan and journal state (`finishedBefore`: this call did nothing). */
export function summaryOf(
  plan: ApplyPlan,
  state: JournalState,
  stepsDone: number,
  paths: { journal: string; plan: string },
  finishedBefore = false,
): ApplySummary {
  const done = plan.steps.filter((s) => state.done.has(s.index) && !state.undone.has(s.index));
  const count = (k: PlanStep["kind"]) => done.filter((s) => s.kind === k).length;
  const groups = new Set(done.map((s) => s.group_id).filter((g) => g !== ""));
  return {
    run_id: plan.run_id,
    state: finishedBefore ? "nothing" : state.rolledBack ? "rolled_back" : "committed",
    groups_applied: groups.size,
    files_moved: count("move"),
    files_copied: count("copy"),
    crops_written: count("crop"),
    folders_created: count("mkdir"),
    conflicts: plan.totals.conflicts,
    steps_done: stepsDone,
    journal: paths.journal,
    plan: paths.plan,
    rollback_command: `deno task apply --sandbox ${plan.sandbox_root} --rollback ${plan.run_id}`,
  };
}
