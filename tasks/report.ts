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
import { readApprovedDecisions, readAutomationDecisions } from "../lib/decisions/mod.ts";
import {
  APPROVAL_RATE_DEFINITION,
  type ManifestTiming,
  manualSecondsPerGroup,
  renderReviewReport,
  reviewMetrics,
} from "../lib/report/mod.ts";

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

async function readManifests(dir: string): Promise<ManifestTiming[]> {
  const out: ManifestTiming[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".project.json")) continue;
      out.push(JSON.parse(await Deno.readTextFile(join(dir, e.name))) as ManifestTiming);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const approved = await readApprovedDecisions(values.approved);
  if (approved.length === 0) {
    // Nothing reviewed: a report of zeros would read as a result. Say what to do instead.
    throw new RangeError(
      `Cannot report: no reviewed group in "${values.approved}" (review decisions first: ` +
        `deno task review --sandbox ${values.sandbox})`,
    );
  }
  const decisions = await readAutomationDecisions(values.decisions);
  let baseline: number | null;
  let source: string;
  const flag = values["manual-seconds-per-group"];
  if (flag !== undefined) {
    baseline = Number(flag);
    if (!Number.isFinite(baseline) || baseline <= 0) {
      throw new RangeError(
        `Cannot use --manual-seconds-per-group "${flag}": expected a positive number`,
      );
    }
    source = "given with --manual-seconds-per-group";
  } else {
    const fromSheets = manualSecondsPerGroup(await readManifests(values.manifests));
    if (fromSheets === undefined) {
      // The rest of the report stands without it: say what is missing, leave time saved out.
      baseline = null;
      source = `no manifest in ${values.manifests} records totalHours and initialImages; ` +
        "pass --manual-seconds-per-group <s>";
      console.error(`report: manual baseline unknown (${source}); time saved is n/a`);
    } else {
      baseline = fromSheets;
      source =
        `the creator's timesheets in ${values.manifests}: total hours ÷ (initial images ÷ 2.9)`;
    }
  }
  const metrics = reviewMetrics(approved, decisions, { manualSecondsPerGroup: baseline });
  const { markdown, charts } = renderReviewReport(metrics, { baselineSource: source });
  await Deno.mkdir(values.out, { recursive: true });
  await Deno.writeTextFile(join(values.out, "report.md"), markdown);
  await Deno.writeTextFile(join(values.out, "report.json"), JSON.stringify(metrics, null, 2));
  for (const [name, svg] of Object.entries(charts)) {
    await Deno.writeTextFile(join(values.out, name), svg);
  }
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
