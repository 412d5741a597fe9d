/**
 * Markdown and SVG charts for {@linkcode reviewMetrics} results.
 *
 * @module
 */
import { Plot, renderSvg } from "../plot/mod.ts";
import type { ReviewMetrics, ReviewRates } from "./review_metrics.ts";

/** A rendered report: Markdown text and SVG files by name. */
export interface RenderedReport {
  markdown: string;
  charts: Record<string, string>;
}

const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);

function row(name: string, r: ReviewRates): string {
  return `| ${name} | ${r.groups} | ${pct(r.approval_rate)} | ${pct(r.override_rate)} | ` +
    `${pct(r.reject_rate)} | ${pct(r.skip_rate)} | ${pct(r.crop_acceptance)} | ` +
    `${r.seconds_per_group_mean.toFixed(1)} | ${
      r.time_saved_seconds === null ? "n/a" : (r.time_saved_seconds / 60).toFixed(1)
    } |`;
}

/**
 * Render review metrics as Markdown plus two SVG charts (rates per day,
 * seconds per group per project).
 *
 * @param metrics Output of `reviewMetrics()`.
 * @param options Where the manual baseline came from (stated in the text).
 * @returns Markdown and charts.
 * @example
 * ```ts
 * declare const metrics: Parameters<typeof renderReviewReport>[0];
 * const { markdown, charts } = renderReviewReport(metrics, { baselineSource: "timesheets" });
 * ```
 */
export function renderReviewReport(
  metrics: ReviewMetrics,
  options: { baselineSource: string },
): RenderedReport {
  const header =
    "| | groups | approved | overridden | rejected | skipped | crop kept | s/group | minutes saved |\n" +
    "|---|---|---|---|---|---|---|---|---|";
  const lines = [
    "# Review report",
    "",
    metrics.manual_seconds_per_group === null
      ? `Manual baseline: unknown (${options.baselineSource}), so time saved is n/a.`
      : `Manual baseline: ${metrics.manual_seconds_per_group.toFixed(1)} s per group ` +
        `(${options.baselineSource}). Time saved = groups × baseline − seconds spent reviewing.`,
    "",
    header,
    row("all", metrics),
    ...Object.entries(metrics.by_project).map(([k, r]) => row(k, r)),
    "",
    "## Over time",
    "",
    header,
    ...Object.entries(metrics.by_day).map(([k, r]) => row(k, r)),
    "",
    metrics.unmatched > 0
      ? `${metrics.unmatched} reviewed group(s) had no matching automation decision.`
      : "",
    "![rates per day](rates_by_day.svg)",
    "![seconds per group](seconds_by_project.svg)",
    "",
  ];
  const daily = Object.entries(metrics.by_day).flatMap(([day, r]) => [
    { day, rate: "approved", value: r.approval_rate },
    { day, rate: "overridden", value: r.override_rate },
    { day, rate: "rejected", value: r.reject_rate },
  ]);
  const perProject = Object.entries(metrics.by_project).map(([project, r]) => ({
    project,
    seconds: r.seconds_per_group_mean,
  }));
  const charts = {
    "rates_by_day.svg": renderSvg({
      title: "Review outcomes per day",
      // A fixed categorical domain: always a swatch legend, whatever the days hold.
      color: { legend: true, type: "categorical", domain: ["approved", "overridden", "rejected"] },
      // Days are labels (one point each), not a time scale: say so (Plot warns otherwise).
      x: { type: "point", label: "day" },
      y: { label: "share of groups", domain: [0, 1] },
      marks: [
        Plot.lineY(daily, { x: "day", y: "value", stroke: "rate", z: "rate", marker: true }),
        Plot.ruleY([0]),
      ],
    }),
    "seconds_by_project.svg": renderSvg({
      title: "Seconds per group",
      marginLeft: 100,
      x: { label: "seconds per group" },
      marks: [
        Plot.barX(perProject, { y: "project", x: "seconds" }),
        ...(metrics.manual_seconds_per_group === null
          ? []
          : [Plot.ruleX([metrics.manual_seconds_per_group], { stroke: "red" })]),
      ],
    }),
  };
  return { markdown: lines.join("\n"), charts };
}
