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
import { readIngested } from "../lib/logs/mod.ts";
import { LAYOUT_BLOCK } from "../lib/crop/mod.ts";
import { CLIP_BLOCK, loadClipByIdentity } from "../lib/clip/mod.ts";
import { embedWithBlocks } from "../lib/blocks/mod.ts";
import { coverageErrors, formatCoverage, indexResolver } from "../lib/eval/mod.ts";
import {
  buildDataset,
  datasetPaths,
  indexForStore,
  REVIEW_WEIGHT,
  trainModels,
} from "../lib/pipeline/mod.ts";

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
  const store = await readIngested(values.data);
  // Imported CLIP history (deno task import-embeddings): sets whose files are gone take part.
  const clipByIdentity = loadClipByIdentity(values.cache, store);
  const features = values.features?.split(",") ??
    [
      ...(values.encoder
        ? ["builtin", "embedding", LAYOUT_BLOCK, "signature"]
        : ["builtin", LAYOUT_BLOCK, "signature"]),
      ...(clipByIdentity.size > 0 ? [CLIP_BLOCK] : []),
    ];
  const roots = [...values.images];
  // apply's destination folders live in the sandbox: reviewed files are found there after a move.
  if (!roots.includes(values.sandbox) && await isFolder(values.sandbox)) roots.push(values.sandbox);
  const index = await indexForStore(store, roots);
  const resolver = indexResolver(index);
  const paths = datasetPaths(store, { resolver });
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
  const ds = buildDataset(store, embedded.byPath, { resolver, clipByIdentity });
  const coverage = ds.coverage!;
  const coverageLines = formatCoverage(coverage);
  if (index.delivered.length > 0) {
    const d = index.delivered[0]!;
    coverageLines.push(
      `  ${index.delivered.length} delivered copies (<project>_final/, apply's __cropped/) differ from their originals: ` +
        `originals used (e.g. ${d.original} over ${d.copies[0]})`,
    );
  }
  if (index.conflicts.length > 0) {
    coverageLines.push(
      `  ${index.conflicts.length} identities are held by two different files: a label that ` +
        `recorded its file's sha256 (a review) takes the one with those bytes, others are not used`,
    );
  }
  for (const c of index.conflicts.slice(0, 5)) {
    coverageLines.push(`  conflict: ${c.identity} is two different files: ${c.paths.join(", ")}`);
  }
  const errors = coverageErrors(coverage, { allowEmpty: values["allow-empty"] });
  if (errors.length > 0) {
    for (const line of coverageLines) console.error(line);
    throw new Error(errors.join("\n"));
  }
  // Partial coverage is not an error, but never silent: stderr, also in --json mode.
  const short = Object.entries(coverage.kinds).filter(([, c]) => c.usable < c.labels);
  if (values.json && short.length > 0) {
    for (const [k, c] of short) {
      console.error(`train: ${k}: ${c.usable} of ${c.labels} labels used (${c.missing} missing)`);
    }
  }
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
    features,
    views: ds.views ?? null,
    skipped: { ...ds.skipped, embed_failed: embedded.failed.length },
    coverage,
    images: {
      roots: index.roots,
      files: index.files,
      unresolved: index.unresolved,
      conflicts: index.conflicts,
      duplicates: index.duplicates,
      delivered_copies: index.delivered.length,
    },
    reviews: {
      sets: ds.groups.filter((g) => g.weight !== undefined).length,
      crops: ds.crops.filter((c) => c.example.weight !== undefined).length,
      weight: REVIEW_WEIGHT,
    },
    ranker: result.ranker && {
      identity: result.ranker.identity,
      best_epoch: result.ranker.best_epoch,
      temperature: result.ranker.temperature,
      auto_approve_threshold: result.ranker.auto_approve_threshold,
      metrics: result.ranker.metrics,
      calibration: result.ranker.calibration ?? null,
      auto_approve: result.ranker.auto_approve ?? null,
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
    for (const line of coverageLines) console.log(`  ${line}`);
    const v = ds.views;
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

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}
