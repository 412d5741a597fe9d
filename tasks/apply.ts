/**
 * `deno task apply`: carry out approved decisions inside the sandbox.
 *
 * Dry-run by default (prints the plan and writes `sandbox/plans/<run-id>.json`);
 * `--commit` executes after a confirmation (`--yes` skips it; without a
 * terminal and without `--yes` it refuses). `--recover [--undo]` finishes or
 * undoes an interrupted run; `--rollback <run-id>` restores a run's tree.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import {
  type ApplyFolders,
  type ApplyPlan,
  type ApplySummary,
  DEFAULT_FOLDERS,
  runApply,
} from "../lib/apply/mod.ts";

const SPEC = defineTask({
  task: "apply",
  summary: "Carry out approved decisions in the sandbox (dry run unless --commit)",
  flags: {
    sandbox: SHARED_FLAGS.sandbox,
    approved: {
      type: "string",
      arg: "<jsonl>",
      description: "approved decisions",
      defaultText: "<sandbox>/approved_decisions.jsonl",
    },
    decisions: {
      type: "string",
      arg: "<jsonl>",
      description: "the decisions file",
      defaultText: "<sandbox>/automation_decisions.jsonl",
    },
    commit: { type: "boolean", description: "execute the plan (after a confirmation)" },
    yes: { type: "boolean", description: "confirm --commit without asking" },
    recover: { type: "boolean", description: "finish an interrupted run" },
    undo: { type: "boolean", description: "with --recover: undo the interrupted run instead" },
    rollback: { type: "string", arg: "<run-id>", description: "restore the tree a run changed" },
    relocated: {
      type: "boolean",
      description: "with --recover/--rollback: accept a sandbox that was moved or copied",
    },
    "run-id": {
      type: "string",
      arg: "<id>",
      description: "id of the new run",
      defaultText: "a timestamp",
    },
    "missing-companions": {
      type: "string",
      arg: "<refuse|warn>",
      description: "what a missing companion file does",
      default: "refuse",
    },
    duplicates: {
      type: "string",
      arg: "<refuse|last>",
      description: "what two decisions for one group do",
      default: "refuse",
    },
    unreadable: {
      type: "string",
      arg: "<refuse|warn>",
      description: "what an unreadable image does",
      default: "refuse",
    },
    folder: {
      type: "string",
      multiple: true,
      arg: "<key=name>",
      description: `rename a destination folder; keys: ${
        Object.entries(DEFAULT_FOLDERS).map(([k, v]) => `${k}=${v}`).join(" ")
      }`,
      defaultText: "as listed",
    },
    flat: {
      type: "boolean",
      description:
        "put files directly in the folders (default: keep <project>/<character>/ beneath)",
    },
    rows: { type: "string", arg: "<n>", description: "plan rows printed", default: "40" },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task apply", "deno task apply --commit --yes"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const folders = parseFolders(values.folder);
  const planning = !values.recover && values.rollback === undefined;
  const missing = values["missing-companions"];
  const dups = values.duplicates;
  const unreadable = values.unreadable;
  // Checked only when planning: --recover and --rollback ignore the plan policies.
  if (planning) {
    if (missing !== "refuse" && missing !== "warn") {
      throw new RangeError(`Cannot plan: --missing-companions "${missing}" (use refuse or warn)`);
    }
    if (dups !== "refuse" && dups !== "last") {
      throw new RangeError(`Cannot plan: --duplicates "${dups}" (use refuse or last)`);
    }
    if (unreadable !== "refuse" && unreadable !== "warn") {
      throw new RangeError(`Cannot plan: --unreadable "${unreadable}" (use refuse or warn)`);
    }
  }
  const r = await runApply(values.sandbox, {
    recover: values.recover ? (values.undo ? "undo" : "complete") : null,
    rollback: values.rollback ?? null,
    relocated: values.relocated,
    folders,
    approvedFile: values.approved ?? null,
    decisionsFile: values.decisions ?? null,
    runId: values["run-id"] ?? null,
    missingCompanions: missing as "refuse" | "warn",
    duplicates: dups as "refuse" | "last",
    unreadable: unreadable as "refuse" | "warn",
    tree: values.flat ? "flat" : "project",
    commit: values.commit,
    onPlan: (plan) => printPlan(plan, Number(values.rows)),
    confirm: values.yes ? null : (plan) => {
      if (!Deno.stdin.isTerminal()) {
        throw new Error("Cannot commit: not an interactive terminal; pass --yes to confirm");
      }
      const answer = prompt(`Execute ${plan.steps.length} steps of run ${plan.run_id}? [y/N]`);
      return answer !== null && /^y(es)?$/i.test(answer.trim());
    },
  });
  if (r.mode === "recover") {
    if (r.summaries.length === 0) console.log("recover: no interrupted run");
    for (const s of r.summaries) printSummary(s, values.json);
    return 0;
  }
  if (r.mode === "rollback") {
    const s = r.summary;
    if (s.state === "nothing") console.log(`rollback: run ${s.run_id} was already rolled back`);
    printSummary(s, values.json);
    return 0;
  }
  if (!values.commit) {
    console.log("dry run: nothing moved (add --commit to execute)");
    return 0;
  }
  if (r.declined || r.committed === null) {
    console.log("not confirmed: nothing moved");
    return 1;
  }
  printSummary(r.committed, values.json);
  return 0;
}, { verbose: Deno.args.includes("--verbose") });

function parseFolders(items: readonly string[]): Partial<ApplyFolders> {
  const out: Partial<ApplyFolders> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = item.slice(0, eq) as keyof ApplyFolders;
    if (eq <= 0 || !(key in DEFAULT_FOLDERS)) {
      throw new RangeError(
        `Cannot use --folder "${item}": expected key=name with key one of ` +
          Object.keys(DEFAULT_FOLDERS).join(", "),
      );
    }
    out[key] = item.slice(eq + 1);
  }
  return out;
}

function printPlan(plan: ApplyPlan, rows: number): void {
  const t = plan.totals;
  const shown = plan.steps.filter((s) => s.kind !== "mkdir").slice(0, Math.max(0, rows));
  if (shown.length > 0) {
    console.log("group               kind  source -> destination  (reason)");
    for (const s of shown) {
      console.log(
        `${s.group_id.padEnd(19)} ${s.kind.padEnd(5)} ${s.source} -> ${s.dest}  (${s.reason})`,
      );
    }
    const more = plan.steps.length - t.mkdirs - shown.length;
    if (more > 0) console.log(`… ${more} more steps in the plan file`);
  }
  for (const p of plan.problems) console.log(`${p.severity}: [${p.kind}] ${p.message}`);
  console.log(
    `plan ${plan.run_id}: ${t.groups} groups (${t.groups_applied} to apply, ${t.groups_unchanged} ` +
      `unchanged, ${t.groups_already_applied} already applied); ${t.moves} moves, ${t.copies} ` +
      `copies, ${t.crops} crops, ${t.mkdirs} new folders; ${t.conflicts} conflicts, ${t.errors} ` +
      `errors, ${t.warnings} warnings`,
  );
  console.log(`plan file: ${plan.sandbox_root}/${plan.folders.plans}/${plan.run_id}.json`);
}

function printSummary(s: ApplySummary, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(s));
    return;
  }
  if (s.state === "rolled_back") {
    // The counters describe a forward run; after a rollback say what was undone instead.
    console.log(
      `rolled back ${s.run_id}: ${s.steps_done} steps undone; every file of the run is back ` +
        "where the plan found it",
    );
    console.log(`journal: ${s.journal}`);
    return;
  }
  console.log(
    `${s.state === "nothing" ? "already finished" : s.state} ${s.run_id}: ${s.groups_applied} ` +
      `groups applied, ${s.files_moved} files moved, ${s.files_copied} companions copied, ` +
      `${s.crops_written} crops written, ${s.conflicts} conflicts; ${s.steps_done} steps this time`,
  );
  console.log(`journal: ${s.journal}`);
  console.log(`rollback: ${s.rollback_command}`);
}
