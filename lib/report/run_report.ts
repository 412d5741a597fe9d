/**
 * `runReport()`: the review report of a sandbox — read the approved and automation decisions,
 * find the manual baseline, compute the metrics, write report.md, report.json and the SVG
 * charts (what `deno task report` does).
 *
 * @module
 */
import { join } from "node:path";
import { readApprovedDecisions, readAutomationDecisions } from "../decisions/mod.ts";
import { renderReviewReport } from "./render_review_report.ts";
import {
  type ManifestTiming,
  manualSecondsPerGroup,
  type ReviewMetrics,
  reviewMetrics,
} from "./review_metrics.ts";

/** Options for {@linkcode runReport}. */
export interface RunReportOptions {
  /** The sandbox the decisions belong to (named in the "review first" error). */
  sandbox?: string;
  /** Folder of `*.project.json` manifests whose timesheets give the manual baseline. */
  manifests?: string;
  /**
   * Manual seconds per group as given on the command line (text or number); null: from the
   * manifests' timesheets.
   */
  manualSecondsPerGroup?: string | number | null;
  /** Report folder written (created when missing). */
  out?: string;
  /** Told when the manual baseline is unknown (the report is still written, time saved n/a). */
  onWarning?: (message: string) => void;
}

const defaults = {
  sandbox: "sandbox",
  manifests: "data/original/projects",
  manualSecondsPerGroup: null,
  out: "data/reports/review",
  onWarning: () => {},
} satisfies Required<RunReportOptions>;

/** What {@linkcode runReport} computed and wrote. */
export interface RunReportResult {
  metrics: ReviewMetrics;
  /** Manual seconds per group used for time saved; null when unknown. */
  baseline: number | null;
  /** Where the baseline came from (or why it is unknown), as report.md states it. */
  baselineSource: string;
  /** The report folder. */
  out: string;
}

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

/**
 * Compute the review metrics of approved decisions against the automation decisions they
 * reviewed and write `report.md`, `report.json` and the SVG charts into `out`.
 *
 * @param approved The approved decisions file (the review page writes it).
 * @param decisions The automation decisions that were reviewed.
 * @param options Sandbox, manifests, a given manual baseline, the report folder.
 * @returns The metrics, the manual baseline and its source, the report folder.
 * @throws {RangeError} When nothing was reviewed, or a given baseline is not a positive number.
 * @example
 * ```ts
 * const r = await runReport("sandbox/approved_decisions.jsonl", "sandbox/automation_decisions.jsonl", {
 *   out: "/tmp/review-report",
 * });
 * console.log(r.metrics.approval_rate);
 * ```
 */
export async function runReport(
  approved: string,
  decisions: string,
  options: RunReportOptions = {},
): Promise<RunReportResult> {
  const opts = { ...defaults, ...options };
  const reviewed = await readApprovedDecisions(approved);
  if (reviewed.length === 0) {
    // Nothing reviewed: a report of zeros would read as a result. Say what to do instead.
    throw new RangeError(
      `Cannot report: no reviewed group in "${approved}" (review decisions first: ` +
        `deno task review --sandbox ${opts.sandbox})`,
    );
  }
  const automation = await readAutomationDecisions(decisions);
  let baseline: number | null;
  let source: string;
  const given = opts.manualSecondsPerGroup;
  if (given !== null) {
    baseline = Number(given);
    if (!Number.isFinite(baseline) || baseline <= 0) {
      throw new RangeError(
        `Cannot use --manual-seconds-per-group "${given}": expected a positive number`,
      );
    }
    source = "given with --manual-seconds-per-group";
  } else {
    const fromSheets = manualSecondsPerGroup(await readManifests(opts.manifests));
    if (fromSheets === undefined) {
      // The rest of the report stands without it: say what is missing, leave time saved out.
      baseline = null;
      source = `no manifest in ${opts.manifests} records totalHours and initialImages; ` +
        "pass --manual-seconds-per-group <s>";
      opts.onWarning(`report: manual baseline unknown (${source}); time saved is n/a`);
    } else {
      baseline = fromSheets;
      source =
        `the creator's timesheets in ${opts.manifests}: total hours ÷ (initial images ÷ 2.9)`;
    }
  }
  const metrics = reviewMetrics(reviewed, automation, { manualSecondsPerGroup: baseline });
  const { markdown, charts } = renderReviewReport(metrics, { baselineSource: source });
  await Deno.mkdir(opts.out, { recursive: true });
  await Deno.writeTextFile(join(opts.out, "report.md"), markdown);
  await Deno.writeTextFile(join(opts.out, "report.json"), JSON.stringify(metrics, null, 2));
  for (const [name, svg] of Object.entries(charts)) {
    await Deno.writeTextFile(join(opts.out, name), svg);
  }
  return { metrics, baseline, baselineSource: source, out: opts.out };
}
