/**
 * Write an evaluation to a report folder: `report.json`, `report.md` and SVG
 * charts (learning curves, per-project accuracy vs the highest-stage
 * baseline, reliability curve, IoU histogram) rendered with Observable Plot.
 *
 * @module
 */
import { join } from "node:path";
import { Plot, renderSvg } from "../plot/mod.ts";
import { formatEceFloor } from "../eval/mod.ts";
import type { EvaluateResult } from "./evaluate_all.ts";

const f = (
  v: number | null | undefined,
  d = 3,
) => (v === null || v === undefined ? "—" : v.toFixed(d));

/** Markdown summary of an evaluation. */
export function reportMarkdown(r: EvaluateResult): string {
  const lines = ["# keeper evaluation", ""];
  lines.push(
    `Test data: ${r.data.test_source} (${r.data.test_sets} sets, ${r.data.test_crops} crops); ` +
      `split seed ${r.data.split_seed}; ${r.data.train_sets} train / ${r.data.val_sets} validation sets.`,
    "",
  );
  if (r.ranker) {
    const k = r.ranker;
    lines.push(
      "## Ranker",
      "",
      `Model \`${k.model}\`, temperature ${f(k.temperature)}.`,
      "",
      "| | normal | anomaly | overall |",
      "|---|---|---|---|",
      `| model | ${f(k.normal_acc)} | ${f(k.anomaly_acc)} | ${f(k.overall_acc)} |`,
    );
    for (const [name, b] of Object.entries(k.baselines_detail)) {
      lines.push(`| ${name} | ${f(b.normal_acc)} | ${f(b.anomaly_acc)} | ${f(b.overall_acc)} |`);
    }
    lines.push(
      "",
      `Sets: ${k.n_normal} normal, ${k.n_anomaly} anomaly. ECE ${f(k.ece)}${
        formatEceFloor(k)
      }. Auto-approve band: ` +
        `threshold ${f(k.auto_approve.threshold)}, precision ${f(k.auto_approve.precision)}, ` +
        `coverage ${f(k.auto_approve.coverage)}.`,
      "",
      "| project | n | model | highest stage |",
      "|---|---|---|---|",
      ...Object.entries(k.by_project).map(([p, s]) =>
        `| ${p} | ${s.n} | ${f(s.acc)} | ${f(s.highest_stage)} |`
      ),
      "",
      "| group size | n | model | highest stage |",
      "|---|---|---|---|",
      ...Object.entries(k.by_group_size).map(([p, s]) =>
        `| ${p} | ${s.n} | ${f(s.acc)} | ${f(s.highest_stage)} |`
      ),
      "",
    );
    if (Object.keys(k.leave_one_project_out).length) {
      lines.push(
        "Leave-one-project-out:",
        "",
        "| held-out project | n | model | highest stage |",
        "|---|---|---|---|",
        ...Object.entries(k.leave_one_project_out).map(([p, s]) =>
          `| ${p} | ${s.n} | ${f(s.acc)} | ${f(s.highest_stage)} |`
        ),
        "",
      );
    }
    lines.push("![learning curve](ranker_learning.svg) ![per project](ranker_by_project.svg)");
    lines.push("![reliability](reliability.svg)", "");
  }
  if (r.crop) {
    const c = r.crop;
    lines.push(
      "## Crop proposer",
      "",
      `Model \`${c.model}\` on ${c.n} images.`,
      "",
      "| | mean IoU |",
      "|---|---|",
      `| model | ${f(c.mean_iou)} |`,
      `| full image | ${f(c.baselines.full_image)} |`,
      `| median box | ${f(c.baselines.median_box)} |`,
      `| per-project mean box | ${f(c.baselines.project_mean)} |`,
      `| per-project median box | ${f(c.baselines.project_median)} |`,
      ...(c.subject
        ? [
          `| learned proposer alone | ${f(c.subject.learned_mean_iou)} |`,
          "",
          `Vision found a subject (person or object) in ${
            f(c.subject.found)
          } of the test images; ` +
          `subject weight per project (0 learned, 1 subject, −1 median box): ${
            Object.entries(c.subject.blend).map(([p, w]) => `${p} ${w}`).join(", ")
          }; "no crop" found ${c.subject.no_crop_found} of ${c.subject.no_crop_total}.`,
        ]
        : []),
      "",
      `Median IoU ${f(c.median_iou)}, IoU > 0.7 ${
        f(c.share_iou_gt_0_7)
      }, all corners within 0.05 ` +
        `${f(c.share_corners_within_0_05)}; needs-crop precision ${f(c.needs_crop.precision)}, ` +
        `recall ${f(c.needs_crop.recall)} (base rate ${f(c.needs_crop.base_rate)}).`,
      "",
      "![IoU histogram](iou_histogram.svg) ![crop learning curve](crop_learning.svg)",
      "",
    );
  }
  return lines.join("\n");
}

/** SVG charts of an evaluation, by file name. */
export function reportCharts(r: EvaluateResult): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.ranker) {
    const k = r.ranker;
    const curve = k.history.flatMap((h) => [
      { epoch: h.epoch, value: h.loss, series: "train loss" },
      { epoch: h.epoch, value: h.val_acc, series: "val accuracy" },
      { epoch: h.epoch, value: h.val_nll, series: "val NLL" },
    ]);
    out["ranker_learning.svg"] = renderSvg({
      title: "Ranker learning curve",
      color: { legend: true },
      marks: [Plot.lineY(curve, { x: "epoch", y: "value", stroke: "series" })],
    });
    const bars = Object.entries(k.by_project).flatMap(([p, s]) => [
      { project: p, who: "model", acc: s.acc },
      { project: p, who: "highest stage", acc: s.highest_stage },
    ]);
    out["ranker_by_project.svg"] = renderSvg({
      title: "Accuracy per project",
      color: { legend: true },
      y: { domain: [0, 1] },
      fx: { label: "project" },
      marks: [Plot.barY(bars, { fx: "project", x: "who", y: "acc", fill: "who" }), Plot.ruleY([0])],
    });
    out["reliability.svg"] = renderSvg({
      title: `Reliability (ECE ${k.ece.toFixed(3)})`,
      x: { domain: [0, 1], label: "confidence" },
      y: { domain: [0, 1], label: "accuracy" },
      marks: [
        Plot.line([[0, 0], [1, 1]], { stroke: "#aaa" }),
        Plot.line(k.reliability, { x: "confidence", y: "accuracy", marker: "circle" }),
      ],
    });
  }
  if (r.crop) {
    const c = r.crop;
    out["iou_histogram.svg"] = renderSvg({
      title: `Crop IoU (mean ${c.mean_iou.toFixed(3)})`,
      x: { label: "IoU" },
      marks: [Plot.rectY(c.iou_histogram, { x1: "lo", x2: "hi", y: "count" }), Plot.ruleY([0])],
    });
    out["crop_learning.svg"] = renderSvg({
      title: "Crop validation IoU",
      marks: [Plot.lineY(c.history, { x: "epoch", y: "val_iou" })],
    });
  }
  return out;
}

/**
 * Write `report.json`, `report.md` and the charts.
 *
 * @param dir Report folder (created).
 * @param r Evaluation.
 * @returns Written file paths.
 * @example
 * ```ts
 * import type { EvaluateResult } from "./evaluate_all.ts";
 * declare const result: EvaluateResult;
 * await writeReport("data/reports/latest", result);
 * ```
 */
export async function writeReport(dir: string, r: EvaluateResult): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const files: string[] = [];
  const put = async (name: string, text: string) => {
    const p = join(dir, name);
    await Deno.writeTextFile(p, text);
    files.push(p);
  };
  await put("report.json", JSON.stringify(r, null, 2) + "\n");
  await put("report.md", reportMarkdown(r));
  for (const [name, svg] of Object.entries(reportCharts(r))) await put(name, svg);
  return files;
}
