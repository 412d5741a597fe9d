/**
 * `deno task evaluate [--data data/ingested] [--embeddings <cache db>] [--images <root>]...
 * [--sandbox sandbox] [--allow-empty <kind>]... [--ground-truth <ground_truth.jsonl>]
 * [--models data/ai_data/models] [--model <encoder.onnx>] [--report data/reports/latest] [--json]`
 *
 * `deno task evaluate --crop-log <csv> --project-map <file> --pixel-free [--seeds 10] [--json]`
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { formatCoverage, formatEceFloor } from "../lib/eval/mod.ts";
import { runEvaluate } from "../lib/pipeline/mod.ts";

const SPEC = defineTask({
  task: "evaluate",
  summary: "Evaluate models against baselines; writes report.json, report.md and SVG charts",
  flags: {
    data: SHARED_FLAGS.data,
    cache: SHARED_FLAGS.cache,
    images: {
      ...SHARED_FLAGS.images,
      description:
        "a root holding the creator's images (repeat for several; the sandbox is searched too)",
      default: (w) => w.images.length > 0 ? w.images : ["."],
    },
    sandbox: SHARED_FLAGS.sandbox,
    "allow-empty": {
      type: "string",
      multiple: true,
      arg: "<kind>",
      description: "allow a label kind to end with 0 usable examples",
      defaultText: "none",
    },
    "ground-truth": {
      type: "string",
      arg: "<jsonl>",
      description: "simulator ground truth to score against",
    },
    models: SHARED_FLAGS.models,
    encoder: {
      ...SHARED_FLAGS.encoder,
      description: "ONNX encoder for the clip/embedding block of images with no imported vector",
    },
    out: {
      type: "string",
      arg: "<dir>",
      description: "report folder",
      default: "data/reports/latest",
      aliases: ["report"],
    },
    "crop-log": {
      type: "string",
      arg: "<csv>",
      description: "crop log for the pixel-free crop evaluation",
    },
    "project-map": {
      type: "string",
      arg: "<file>",
      description: "project map JSON (with --crop-log)",
      default: (w) => w.project_map ?? "",
    },
    "pixel-free": { type: "boolean", description: "evaluate crops from the log alone (no pixels)" },
    seeds: {
      type: "string",
      arg: "<n>",
      description: "split seeds for --pixel-free",
      default: "10",
    },
    "no-lopo": { type: "boolean", description: "skip leave-one-project-out" },
    json: SHARED_FLAGS.json,
  },
  examples: [
    "deno task evaluate --json",
    "deno task evaluate --crop-log data/original/training/select_crop_log.csv " +
    "--project-map data/original/project_map.json --pixel-free",
  ],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const log = (s: string) => values.json || console.error(s);
  if (values["pixel-free"] || values["crop-log"]) {
    if (!values["crop-log"] || !values["project-map"] || !values["pixel-free"]) {
      throw new TypeError(
        "Cannot evaluate crops: use --crop-log <csv> --project-map <file> --pixel-free together",
      );
    }
    const n = Number(values.seeds);
    const { result: r } = await runEvaluate({
      mode: "crop-log",
      csv: values["crop-log"],
      projectMap: values["project-map"],
      options: {
        seeds: Array.from({ length: n }, (_, i) => i + 1),
        onSeed: (s, m) => log(`seed ${s}: mean IoU ${m.toFixed(4)}`),
      },
    });
    if (values.json) console.log(JSON.stringify(r));
    else {
      console.log(
        `pixel-free crops on ${r.rows} rows (${r.rejected_rows} rejected), ` +
          `${r.seeds} seeds × ${(r.test_fraction * 100).toFixed(0)}% test:`,
      );
      console.log(
        `  model       mean IoU ${r.mean_iou.toFixed(4)} ± ${r.mean_iou_std.toFixed(4)}, ` +
          `median ${r.median_iou.toFixed(4)}, IoU>0.7 ${r.share_iou_gt_0_7.toFixed(3)}`,
      );
      console.log(`  median box  ${r.baselines.median_box.toFixed(4)}`);
      console.log(`  project mean ${r.baselines.project_mean.toFixed(4)}`);
      console.log(`  full image  ${r.baselines.full_image.toFixed(4)}`);
    }
    return;
  }
  let coverageLines: string[] = [];
  const { result, coverage, heldout, files } = await runEvaluate({
    mode: "stored",
    ingested: values.data,
    models: values.models,
    options: {
      cache: values.cache,
      images: values.images,
      sandbox: values.sandbox,
      report: values.out,
      groundTruth: values["ground-truth"] ?? null,
      encoder: values.encoder ?? null,
      allowEmpty: values["allow-empty"],
      leaveOneProjectOut: !values["no-lopo"],
      onStep: log,
      onCoverage: (c, errors) => {
        coverageLines = formatCoverage(c);
        if (errors.length > 0) { for (const line of coverageLines) console.error(line); }
      },
    },
  });
  if (heldout.skipped > 0) {
    console.error(
      `evaluate: ${heldout.skipped} of ${heldout.records} held-out groups skipped (no features)`,
    );
  }
  if (values.json) console.log(JSON.stringify({ ...result, coverage }));
  else {
    for (const line of coverageLines) console.log(line);
    const k = result.ranker, c = result.crop;
    if (k) {
      console.log(
        `ranker on ${result.data.test_sets} ${result.data.test_source} sets: overall ` +
          `${k.overall_acc.toFixed(3)} (normal ${k.normal_acc.toFixed(3)}, anomaly ${
            k.anomaly_acc.toFixed(3)
          }); ` +
          `highest stage ${k.baselines.highest_stage.toFixed(3)}, ECE ${k.ece.toFixed(3)}` +
          formatEceFloor(k),
      );
    }
    if (c) {
      console.log(
        `crop on ${c.n} images: mean IoU ${c.mean_iou.toFixed(3)} ` +
          `(median box ${c.baselines.median_box.toFixed(3)}, full ${
            c.baselines.full_image.toFixed(3)
          })`,
      );
    }
    const v = result.views;
    if (v.history) {
      console.log(
        `sets by features: every member embedded ${v.history.every_member_embedded}, ` +
          `with pixels ${v.history.every_member_pixels}, both ${v.history.both} ` +
          `(of ${v.history.sets} usable); unusable: ${
            Object.entries(v.unusable).map(([k, n]) => `${k} ${n}`).join(", ") || "none"
          }`,
      );
    }
    for (const [view, a] of Object.entries(v.test_by_view)) {
      console.log(
        `  test sets ranked from ${view}: ${a.n}, accuracy ${a.acc.toFixed(3)} ` +
          `(highest stage ${a.highest_stage.toFixed(3)})`,
      );
    }
    console.log(`report: ${files.join(", ")}`);
  }
});
