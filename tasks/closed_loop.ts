/**
 * `deno task closed-loop [--sim-seed 1] [--scale 0.125] [--groups 200]
 * [--heldout 160] [--features builtin,layout,signature] [--json]`: train on logs, decide a
 * batch, review it (scripted from ground truth), ingest the reviews, retrain,
 * and compare both models on the same untouched held-out groups.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { runClosedLoop } from "../lib/loop/mod.ts";

const SPEC = defineTask({
  task: "closed-loop",
  summary:
    "Reviews as training labels: train, decide, review (scripted), ingest reviews, retrain, compare",
  flags: {
    "sim-seed": { type: "string", arg: "<n>", description: "simulator seed", default: "1" },
    scale: { type: "string", arg: "<s>", description: "simulated image size", default: "0.125" },
    projects: { type: "string", arg: "<n>", description: "simulated projects", default: "3" },
    groups: {
      type: "string",
      arg: "<n>",
      description: "logged groups per project",
      default: "200",
    },
    heldout: { type: "string", arg: "<n>", description: "held-out groups", default: "160" },
    features: {
      type: "string",
      arg: "<a,b>",
      description: "feature blocks",
      default: "builtin,layout,signature",
    },
    "work-dir": { type: "string", arg: "<dir>", description: "work here instead of a temp folder" },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task closed-loop --scale 0.125 --json"],
});

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`Cannot use --${name} "${text}": expected a positive number`);
  }
  return n;
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const r = await runClosedLoop({
    simSeed: positive("sim-seed", values["sim-seed"]),
    scale: positive("scale", values.scale),
    projects: positive("projects", values.projects),
    groups: positive("groups", values.groups),
    heldout: positive("heldout", values.heldout),
    features: values.features.split(","),
    workDir: values["work-dir"] ?? null,
    onStep: (s) => console.error(`closed-loop: ${s}`),
  });
  if (values.json) {
    console.log(JSON.stringify(r));
    return;
  }
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    `reviewed ${r.review.groups} groups: ${r.review.approved} approved, ${r.review.overridden} ` +
      `overridden ${JSON.stringify(r.review.overrides_by_project)}; ingested ` +
      `${r.review.ingested_review_sets} review sets`,
  );
  console.log(`test groups (neither model saw them): ${r.test_groups}`);
  console.log(
    `pick accuracy before ${pct(r.before.overall_acc)} → after ${pct(r.after.overall_acc)} ` +
      `(anomaly ${pct(r.before.anomaly_acc)} → ${pct(r.after.anomaly_acc)})`,
  );
  for (const [p, b] of Object.entries(r.before.by_project)) {
    const a = r.after.by_project[p];
    console.log(
      `  ${p}: ${pct(b.acc)} → ${a ? pct(a.acc) : "n/a"} (highest stage ${pct(b.highest_stage)})`,
    );
  }
});
