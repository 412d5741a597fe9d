/**
 * `deno task closed-loop [--sim-seed 1] [--scale 0.125] [--groups 200]
 * [--heldout 160] [--features builtin,layout,signature] [--json]`: train on logs, decide a
 * batch, review it (scripted from ground truth), ingest the reviews, retrain,
 * and compare both models on the same untouched held-out groups.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runTask } from "../lib/cli/mod.ts";
import { runClosedLoop } from "../lib/loop/mod.ts";

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new RangeError(`Cannot use --${name} "${text}": expected a positive number`);
  }
  return n;
}

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      "sim-seed": { type: "string", default: "1" },
      scale: { type: "string", default: "0.125" },
      projects: { type: "string", default: "3" },
      groups: { type: "string", default: "200" },
      heldout: { type: "string", default: "160" },
      features: { type: "string", default: "builtin,layout,signature" },
      "work-dir": { type: "string" },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
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
