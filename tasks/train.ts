/**
 * `deno task train --data <ingested dir> [--embeddings <cache db>] [--images <root>]...
 * [--sandbox sandbox] [--allow-empty <kind>]... [--model <encoder.onnx>]
 * [--features builtin,embedding,layout] [--out data/ai_data/models] [--seed 1] [--epochs N] [--json]`
 *
 * Images are found by (project, file name) under every `--images` root and the
 * sandbox (where `apply` moves reviewed files), whatever folder a log names.
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { trainStored } from "../lib/pipeline/mod.ts";

const SPEC = defineTask({
  task: "train",
  summary: "Train the ranker and crop proposer from ingested logs and cached features",
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
    encoder: SHARED_FLAGS.encoder,
    features: {
      type: "string",
      arg: "<a,b>",
      description: "feature blocks",
      defaultText: "builtin,layout,signature (+embedding with --encoder)",
    },
    models: {
      ...SHARED_FLAGS.models,
      description: "where the models are written",
      aliases: ["out"],
    },
    seed: { type: "string", arg: "<n>", description: "split and init seed", default: "1" },
    epochs: {
      type: "string",
      arg: "<n>",
      description: "epochs for both models",
      defaultText: "40 ranker, 60 crop",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task train --images ~/art/projects --json"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new TypeError(`Cannot train: --seed "${values.seed}" is not an integer`);
  }
  const epochs = values.epochs ? Number(values.epochs) : undefined;
  // Bars start when their phase does (their clocks time that phase alone).
  let bar: Progress | undefined, rankBar: Progress | undefined, cropBar: Progress | undefined;
  const rank = () => rankBar ??= new Progress(epochs ?? 40, { label: "ranker" });
  const crop = () => cropBar ??= new Progress(epochs ?? 60, { label: "crop" });
  const { summary, coverageLines } = await trainStored(values.data, {
    cache: values.cache,
    images: values.images,
    sandbox: values.sandbox,
    encoder: values.encoder ?? null,
    features: values.features?.split(",") ?? null,
    allowEmpty: values["allow-empty"],
    out: values.models,
    seed,
    epochs: epochs ?? null,
    onFeatures: (done, total) => {
      bar ??= new Progress(total, { label: "features" });
      bar.tick(1);
      if (done === total) bar.done();
    },
    onRankEpoch: (r) => rank().tick(1, `loss ${r.loss.toFixed(4)} val acc ${r.val_acc.toFixed(3)}`),
    onCropEpoch: (_e, loss, iou) =>
      crop().tick(1, `loss ${loss.toFixed(4)} val IoU ${iou.toFixed(3)}`),
    onCoverage: (lines) => {
      for (const line of lines) console.error(line);
    },
  });
  rank().done();
  crop().done();
  // Partial coverage is not an error, but never silent: stderr, also in --json mode.
  const short = Object.entries(summary.coverage.kinds).filter(([, c]) => c.usable < c.labels);
  if (values.json && short.length > 0) {
    for (const [k, c] of short) {
      console.error(`train: ${k}: ${c.usable} of ${c.labels} labels used (${c.missing} missing)`);
    }
  }
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(
      `trained into ${summary.out}: ${summary.counts.train_sets} train / ` +
        `${summary.counts.val_sets} validation sets, ${summary.counts.train_crops} crops`,
    );
    for (const line of coverageLines) console.log(`  ${line}`);
    const v = summary.views;
    if (v) {
      console.log(
        `  sets by features: every member embedded ${v.every_member_embedded}, ` +
          `with pixels ${v.every_member_pixels}, both ${v.both} (of ${v.sets} usable)`,
      );
    }
    console.log(
      `  reviews: ${summary.reviews.sets} sets and ${summary.reviews.crops} crops from reviews, ` +
        `weighted ×${summary.reviews.weight} (newest taste)`,
    );
    if (summary.ranker) {
      console.log(
        `  ranker ${summary.ranker.identity}: best epoch ${summary.ranker.best_epoch}, ` +
          `temperature ${summary.ranker.temperature.toFixed(3)}`,
      );
      const cal = summary.ranker.calibration, band = summary.ranker.auto_approve;
      if (cal) {
        console.log(
          `  calibration: ${cal.folds}-fold cross-fit over ${cal.sets} logged sets ` +
            `(out-of-fold accuracy ${cal.oof_acc.toFixed(3)}, ECE ${cal.oof_ece.toFixed(3)}; ` +
            `validation temperature ${cal.validation_temperature.toFixed(3)} × ${
              cal.correction.toFixed(3)
            })`,
        );
      } else console.error("  calibration: validation split only (too few sets to cross-fit)");
      if (band) {
        console.log(
          band.threshold === null
            ? `  auto-approve: none (needs ≥ ${band.min_sets} sets and a 95% lower bound of ` +
              `precision ≥ ${band.precision} on out-of-fold picks)`
            : `  auto-approve: confidence ≥ ${
              band.threshold.toFixed(3)
            } and no step above ${band.max_suspicion} broken: ${band.fit.covered} of ${band.fit.sets} out-of-fold picks, ${band.fit.right} right ` +
              `(95% lower bound ${band.fit.lower_bound?.toFixed(3)}); per project ${
                Object.entries(band.by_project).map(([p, t]) => `${p} ${t?.toFixed(3) ?? "none"}`)
                  .join(", ")
              }`,
        );
      }
      const chain = summary.ranker.chain;
      console.log(
        chain
          ? `  chain model: ${chain.broken} broken of ${chain.steps} steps` +
            ` (${chain.sets} sets), L2 ${chain.l2}; ` +
            `score = ${chain.mix.mlp} × MLP + ${chain.mix.chain} × log P(chain) (${
              chain.mix_chosen_on === "out_of_fold" ? "out-of-fold" : "validation"
            } NLL)`
          : "  chain model: none (needs the signature feature and a broken step in training)",
      );
    } else console.log("  ranker: no sets with features (nothing trained)");
    if (summary.crop) {
      console.log(
        `  crop ${summary.crop.identity}: validation IoU ${summary.crop.val_iou.toFixed(3)}`,
      );
    } else console.log("  crop: no crops with features (nothing trained)");
  }
});
