/**
 * `deno task embed --in <dir|list> [--model <onnx> --model-config <json>]
 * [--features builtin[,<pixel block>…]] [--cache <sqlite>] [--thumbs <dir>] [--concurrency N] [--json]`:
 * decode each image once and cache its hash, pHash, built-in features,
 * (with a model) its L2-normalised embedding and the requested registered
 * pixel blocks (`PIXEL_BLOCKS`, e.g. layout, signature) by content.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Progress, runTask } from "../lib/cli/mod.ts";
import { embedFiles, listImages, resolvePixelBlocks } from "../lib/embed/mod.ts";
// lib/blocks registers the pixel blocks it owns (layout, signature…) in PIXEL_BLOCKS on load.
import "../lib/blocks/mod.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      in: { type: "string", multiple: true },
      model: { type: "string" },
      "model-config": { type: "string" },
      features: { type: "string", default: "builtin" },
      cache: { type: "string", default: "data/cache/features.sqlite" },
      thumbs: { type: "string" },
      concurrency: { type: "string", default: "4" },
      "batch-size": { type: "string", default: "16" },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  if (!values.in?.length) throw new TypeError("Cannot embed: --in <dir|list> is required");
  if (values["model-config"] && !values.model) {
    throw new TypeError("Cannot embed: --model-config needs --model");
  }
  const paths: string[] = [];
  for (const input of values.in) paths.push(...await listImages(input));
  const cacheDir = values.cache.includes("/")
    ? values.cache.slice(0, values.cache.lastIndexOf("/"))
    : ".";
  await Deno.mkdir(cacheDir, { recursive: true });
  if (values.thumbs) await Deno.mkdir(values.thumbs, { recursive: true });
  const bar = new Progress(paths.length, { label: "embed" });
  const names = values.features.split(",").map((f) => f.trim()).filter(Boolean);
  const { blocks, rest: features } = resolvePixelBlocks(names);
  if (values.model && !features.includes("embedding")) features.push("embedding");
  const result = await embedFiles(paths, {
    cacheDb: values.cache,
    model: values.model
      ? {
        path: values.model,
        ...(values["model-config"] ? { config: values["model-config"] } : {}),
      }
      : null,
    features,
    blocks,
    concurrency: Number(values.concurrency),
    batchSize: Number(values["batch-size"]),
    thumbnailDir: values.thumbs ?? null,
    onProgress: () => bar.tick(),
  });
  bar.done();
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
