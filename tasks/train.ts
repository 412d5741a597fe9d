/**
 * `deno task train --data <ingested dir> [--embeddings <cache db>] [--images <root>]
 * [--model <encoder.onnx>] [--features builtin,embedding,layout] [--out data/ai_data/models]
 * [--seed 1] [--epochs N] [--json]`
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { readIngested } from "../lib/logs/mod.ts";
import { LAYOUT_BLOCK } from "../lib/crop/mod.ts";
import { embedWithBlocks } from "../lib/blocks/mod.ts";
import { buildDataset, datasetPaths, trainModels } from "../lib/eval/mod.ts";

const SPEC = defineTask({
  task: "train",
  summary: "Train the ranker and crop proposer from ingested logs and cached features",
  flags: {
    data: SHARED_FLAGS.data,
    cache: SHARED_FLAGS.cache,
    images: { ...SHARED_FLAGS.images, default: (w) => w.images.length > 0 ? w.images : ["."] },
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
  const features = values.features?.split(",") ??
    (values.encoder
      ? ["builtin", "embedding", LAYOUT_BLOCK, "signature"]
      : ["builtin", LAYOUT_BLOCK, "signature"]);
  if (values.images.length > 1) {
    throw new RangeError(
      `Cannot train: ${values.images.length} image roots given; this build resolves labels under one --images root`,
    );
  }
  const imagesRoot = values.images[0] ?? ".";
  const store = await readIngested(values.data);
  const paths = datasetPaths(store, { imagesRoot });
  let bar: Progress | undefined;
  const { embedded } = await embedWithBlocks(paths, features, {
    cacheDb: values.cache,
    ...(values.encoder ? { model: { path: values.encoder } } : {}),
    onProgress: ({ done, total }) => {
      bar ??= new Progress(total, { label: "features" });
      bar.tick(1);
      if (done === total) bar.done();
    },
  });
  const ds = buildDataset(store, embedded.byPath, { imagesRoot });
  const epochs = values.epochs ? Number(values.epochs) : undefined;
  const rankBar = new Progress(epochs ?? 40, { label: "ranker" });
  const cropBar = new Progress(epochs ?? 60, { label: "crop" });
  const result = await trainModels(ds, {
    out: values.models,
    seed,
    features,
    ...(epochs ? { ranker: { epochs }, crop: { epochs } } : {}),
    onRankEpoch: (r) =>
      rankBar.tick(1, `loss ${r.loss.toFixed(4)} val acc ${r.val_acc.toFixed(3)}`),
    onCropEpoch: (_e, loss, iou) =>
      cropBar.tick(1, `loss ${loss.toFixed(4)} val IoU ${iou.toFixed(3)}`),
  });
  rankBar.done();
  cropBar.done();
  const summary = {
    out: result.out,
    counts: result.counts,
    skipped: { ...ds.skipped, embed_failed: embedded.failed.length },
    ranker: result.ranker && {
      identity: result.ranker.identity,
      best_epoch: result.ranker.best_epoch,
      temperature: result.ranker.temperature,
      auto_approve_threshold: result.ranker.auto_approve_threshold,
      metrics: result.ranker.metrics,
      chain: result.ranker.chain
        ? {
          mix: result.ranker.chain.mix,
          l2: result.ranker.chain.l2,
          steps: result.ranker.chain.steps,
          broken: result.ranker.chain.broken,
        }
        : null,
    },
    crop: result.crop && {
      identity: result.crop.identity,
      best_epoch: result.crop.best_epoch,
      val_iou: result.crop.val_iou,
    },
  };
  if (values.json) console.log(JSON.stringify(summary));
  else {
    console.log(
      `trained into ${result.out}: ${result.counts.train_sets} train / ` +
        `${result.counts.val_sets} validation sets, ${result.counts.train_crops} crops`,
    );
    if (summary.ranker) {
      console.log(
        `  ranker ${summary.ranker.identity}: best epoch ${summary.ranker.best_epoch}, ` +
          `temperature ${summary.ranker.temperature.toFixed(3)}`,
      );
      const chain = summary.ranker.chain;
      console.log(
        chain
          ? `  chain model: ${chain.broken} broken of ${chain.steps} steps, L2 ${chain.l2}; ` +
            `score = ${chain.mix.mlp} × MLP + ${chain.mix.chain} × log P(chain) (validation NLL)`
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
