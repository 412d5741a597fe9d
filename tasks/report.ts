/**
 * `deno task report [--approved <jsonl>] [--decisions <jsonl>] [--projects <dir>]
 * [--manual-seconds-per-group <s>] [--out <dir>] [--json]`: review-session
 * metrics (approval, override, crop acceptance, seconds per group, time saved)
 * as Markdown + SVG charts.
 *
 * @module
 */
import { join } from "node:path";
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { APPROVAL_RATE_DEFINITION, runReport } from "../lib/report/mod.ts";

const SPEC = defineTask({
  task: "report",
  summary:
    "Review-session metrics (approval, override, crop acceptance, time saved) as Markdown + SVG",
  flags: {
    sandbox: SHARED_FLAGS.sandbox,
    approved: {
      type: "string",
      arg: "<jsonl>",
      description: "approved decisions (the review page writes them)",
      default: (w) => join(w.sandbox, "approved_decisions.jsonl"),
    },
    decisions: {
      type: "string",
      arg: "<jsonl>",
      description: "the decisions that were reviewed",
      default: (w) => join(w.sandbox, "automation_decisions.jsonl"),
    },
    manifests: {
      ...SHARED_FLAGS.manifests,
      description: "*.project.json manifests with timesheets (the manual baseline)",
      default: (w) => w.manifests ?? "data/original/projects",
    },
    "manual-seconds-per-group": {
      type: "string",
      arg: "<s>",
      description: "manual seconds per group",
      defaultText: "from the manifests' timesheets",
    },
    out: {
      type: "string",
      arg: "<dir>",
      description: "report folder",
      default: "data/reports/review",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task report --sandbox sandbox/demo"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const { metrics, baseline } = await runReport(values.approved, values.decisions, {
    sandbox: values.sandbox,
    manifests: values.manifests,
    manualSecondsPerGroup: values["manual-seconds-per-group"] ?? null,
    out: values.out,
    onWarning: (message) => console.error(message),
  });
  if (values.json) console.log(JSON.stringify(metrics));
  else {
    console.log(
      `${metrics.groups} groups reviewed: ${(100 * metrics.approval_rate).toFixed(1)}% approved, ` +
        `${(100 * metrics.override_rate).toFixed(1)}% overridden; ` +
        `${metrics.seconds_per_group_mean.toFixed(1)} s/group vs ${
          baseline === null ? "an unknown time" : `${baseline.toFixed(1)} s`
        } by hand; ` +
        `report in ${values.out}/report.md`,
    );
    console.log(`approval rate = ${APPROVAL_RATE_DEFINITION} (the review page uses the same)`);
  }
});
