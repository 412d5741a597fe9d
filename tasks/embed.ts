/**
 * `deno task embed --in <dir|list> [--model <onnx> --model-config <json>]
 * [--features builtin[,<pixel block>…]] [--cache <sqlite>] [--thumbs <dir>] [--concurrency N] [--json]`:
 * decode each image once and cache its hash, pHash, built-in features,
 * (with a model) its L2-normalised embedding and the requested registered
 * pixel blocks (`PIXEL_BLOCKS`, e.g. layout, signature) by content.
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { embedFolder } from "../lib/embed/mod.ts";
// lib/blocks registers the pixel blocks it owns (layout, signature…) in PIXEL_BLOCKS on load.
import "../lib/blocks/mod.ts";

const SPEC = defineTask({
  task: "embed",
  summary: "Decode images once; cache hashes, features and embeddings by content",
  flags: {
    images: {
      ...SHARED_FLAGS.images,
      arg: "<dir|list>",
      description: "an image folder or a file listing images (repeat for several)",
      aliases: ["in"],
    },
    encoder: SHARED_FLAGS.encoder,
    "encoder-config": SHARED_FLAGS["encoder-config"],
    features: {
      type: "string",
      arg: "<a,b>",
      description: "feature blocks: builtin[,<pixel block>…]",
      default: "builtin",
    },
    cache: SHARED_FLAGS.cache,
    thumbs: { type: "string", arg: "<dir>", description: "also write thumbnails here" },
    concurrency: { type: "string", arg: "<n>", description: "decodes in flight", default: "4" },
    "batch-size": { type: "string", arg: "<n>", description: "encoder batch size", default: "16" },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task embed --images sandbox/demo/sim --features builtin,layout,signature"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.images.length === 0) {
    throw new TypeError(
      "Cannot embed: --images <dir|list> is required (or record roots once: deno task setup --images <root>)",
    );
  }
  if (values["encoder-config"] && !values.encoder) {
    throw new TypeError("Cannot embed: --encoder-config needs --encoder");
  }
  let bar = null as Progress | null;
  const result = await embedFolder(values.images, values.cache, {
    encoder: values.encoder ?? null,
    encoderConfig: values["encoder-config"] ?? null,
    features: values.features.split(",").map((f) => f.trim()).filter(Boolean),
    thumbnailDir: values.thumbs ?? null,
    concurrency: Number(values.concurrency),
    batchSize: Number(values["batch-size"]),
    onList: (paths) => {
      bar = new Progress(paths.length, { label: "embed" });
    },
    onProgress: () => bar?.tick(),
  });
  bar?.done();
  const s = result.stats;
  if (values.json) {
    console.log(JSON.stringify({
      images: s.images,
      embedded: s.embedded,
      cached: s.cached,
      decoded: s.decoded,
      blocks_only: s.blocks_only,
      block_ids: s.block_ids,
      failed: result.failed.map(({ path, reason }) => ({ path, reason })),
      images_per_second: s.images_per_second,
      seconds: s.seconds,
      encoder_id: s.encoder_id,
      features_id: s.features_id,
      cache: values.cache,
    }));
  } else {
    console.log(
      `embed: ${s.images} images, ${s.embedded} computed, ${s.cached} from cache, ` +
        `${s.failed} failed, ${s.images_per_second.toFixed(1)} images/s → ${values.cache}`,
    );
    for (const f of result.failed) console.log(`  failed: ${f.path}: ${f.reason}`);
  }
  return 0;
});
