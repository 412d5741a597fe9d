/**
 * `deno task evaluate [--data data/ingested] [--embeddings <cache db>] [--images <root>]...
 * [--sandbox sandbox] [--allow-empty <kind>]... [--ground-truth <ground_truth.jsonl>]
 * [--models data/ai_data/models] [--model <encoder.onnx>] [--report data/reports/latest] [--json]`
 *
 * `deno task evaluate --crop-log <csv> --project-map <file> --pixel-free [--seeds 10] [--json]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { dirname } from "node:path";
import { runTask } from "../lib/cli/mod.ts";
import { readIngested } from "../lib/logs/mod.ts";
import { readRankerModel } from "../lib/rank/mod.ts";
import { loadCropProposer } from "../lib/crop/mod.ts";
import { loadClipByIdentity } from "../lib/clip/mod.ts";
import { embedWithBlocks } from "../lib/blocks/mod.ts";
import {
  buildDataset,
  coverageErrors,
  datasetPaths,
  evaluateAll,
  evaluateCropPixelFree,
  formatCoverage,
  type GroundTruthLike,
  groundTruthPaths,
  heldoutFromGroundTruth,
  indexForStore,
  indexResolver,
  readCropLog,
  writeReport,
} from "../lib/eval/mod.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      data: { type: "string", default: "data/ingested" },
      embeddings: { type: "string", default: "data/cache/features.sqlite" },
      images: { type: "string", multiple: true },
      sandbox: { type: "string", default: "sandbox" },
      "allow-empty": { type: "string", multiple: true },
      "ground-truth": { type: "string" },
      models: { type: "string", default: "data/ai_data/models" },
      model: { type: "string" },
      report: { type: "string", default: "data/reports/latest" },
      "crop-log": { type: "string" },
      "project-map": { type: "string" },
      "pixel-free": { type: "boolean", default: false },
      seeds: { type: "string", default: "10" },
      "no-lopo": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  const log = (s: string) => values.json || console.error(s);
  if (values["pixel-free"] || values["crop-log"]) {
    if (!values["crop-log"] || !values["project-map"] || !values["pixel-free"]) {
      throw new TypeError(
        "Cannot evaluate crops: use --crop-log <csv> --project-map <file> --pixel-free together",
      );
    }
    const { labels, rejections } = await readCropLog(values["crop-log"], values["project-map"]);
    const n = Number(values.seeds);
    const r = await evaluateCropPixelFree(labels, {
      seeds: Array.from({ length: n }, (_, i) => i + 1),
      onSeed: (s, m) => log(`seed ${s}: mean IoU ${m.toFixed(4)}`),
    });
    if (values.json) console.log(JSON.stringify({ ...r, rejected_rows: rejections.length }));
    else {
      console.log(
        `pixel-free crops on ${r.rows} rows (${rejections.length} rejected), ` +
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
  const store = await readIngested(values.data);
  const truth: GroundTruthLike[] = values["ground-truth"]
    ? (await Deno.readTextFile(values["ground-truth"])).split("\n").filter((l) => l.trim())
      .map((l) => JSON.parse(l))
    : [];
  const gtRoot = values["ground-truth"] ? dirname(values["ground-truth"]) : ".";
  const roots = [...(values.images ?? ["."])];
  if (!roots.includes(values.sandbox) && await isFolder(values.sandbox)) roots.push(values.sandbox);
  const index = await indexForStore(store, roots);
  const resolver = indexResolver(index);
  // Spelled as heldoutFromGroundTruth looks them up (`..` in member paths resolved).
  const paths = [...datasetPaths(store, { resolver }), ...groundTruthPaths(truth, gtRoot)];
  const rankerFeatures = await readRankerModel(values.models).then(
    (m) => (m.meta.hyperparameters["features"] as string[] | undefined) ?? ["builtin"],
    () => ["builtin"],
  );
  // The crop proposer may read blocks the ranker does not (the layout grid): feed both.
  const crop = await loadCropProposer(values.models);
  const features = [...new Set([...rankerFeatures, ...crop.blocks])];
  crop.dispose();
  const { embedded } = await embedWithBlocks(paths, features, {
    cacheDb: values.embeddings,
    // The clip (and embedding) block of images with no imported vector.
    ...(values.model ? { model: { path: values.model } } : {}),
  });
  const ds = buildDataset(store, embedded.byPath, {
    resolver,
    clipByIdentity: loadClipByIdentity(values.embeddings, store),
  });
  const coverageLines = formatCoverage(ds.coverage!);
  const errors = coverageErrors(ds.coverage!, {
    allowEmpty: values["allow-empty"] ?? [],
    command: "evaluate",
  });
  if (errors.length > 0) {
    for (const line of coverageLines) console.error(line);
    throw new Error(errors.join("\n"));
  }
  if (truth.length) {
    const held = heldoutFromGroundTruth(truth, embedded.byPath, gtRoot);
    const records = truth.filter((r) => r.split === "heldout").length;
    if (held.groups.length === 0 && held.crops.length === 0) {
      const first = groundTruthPaths(truth, gtRoot)[0] ?? "(no held-out member)";
      throw new Error(
        `Cannot evaluate: 0 of ${records} held-out ground-truth groups have features ` +
          `(member paths are relative to ${gtRoot}; e.g. ${first})`,
      );
    }
    if (held.skipped > 0) {
      console.error(
        `evaluate: ${held.skipped} of ${records} held-out groups skipped (no features)`,
      );
    }
    ds.heldout = { groups: held.groups, crops: held.crops };
  }
  const result = await evaluateAll(ds, {
    modelDir: values.models,
    leaveOneProjectOut: !values["no-lopo"],
    onStep: log,
  });
  const files = await writeReport(values.report, result);
  if (values.json) console.log(JSON.stringify({ ...result, coverage: ds.coverage }));
  else {
    for (const line of coverageLines) console.log(line);
    const k = result.ranker, c = result.crop;
    if (k) {
      console.log(
        `ranker on ${result.data.test_sets} ${result.data.test_source} sets: overall ` +
          `${k.overall_acc.toFixed(3)} (normal ${k.normal_acc.toFixed(3)}, anomaly ${
            k.anomaly_acc.toFixed(3)
          }); ` +
          `highest stage ${k.baselines.highest_stage.toFixed(3)}, ECE ${k.ece.toFixed(3)}`,
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

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
