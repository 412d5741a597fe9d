/**
 * `deno task import-embeddings --index <processed_images.jsonl> [--embeddings-dir <dir>]
 * [--projects <dir>] [--project-map <file>] [--cache data/cache/features.sqlite]
 * [--rejections <file>] [--json]`: import the original tool's CLIP embedding
 * cache as the `clip` feature block (see README "Import your CLIP history").
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { importEmbeddings, type ImportEmbeddingsSummary } from "../lib/clip/mod.ts";

const SPEC = defineTask({
  task: "import-embeddings",
  summary: "Import the original tool's CLIP embedding cache as the clip feature block",
  flags: {
    index: {
      type: "string",
      arg: "<jsonl>",
      description: "the original's processed_images.jsonl",
      required: true,
    },
    "embeddings-dir": {
      type: "string",
      arg: "<dir>",
      description: "folder of the embedding files",
      defaultText: "the index's sibling embeddings/ if there, else the paths the index names",
    },
    manifests: SHARED_FLAGS.manifests,
    "project-map": {
      type: "string",
      arg: "<file>",
      description: "project map JSON",
      default: (w) => w.project_map ?? "",
    },
    cache: SHARED_FLAGS.cache,
    rejections: {
      type: "string",
      arg: "<file>",
      description: "where rejected lines are listed",
      defaultText: "beside the cache",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task import-embeddings --index ~/keeper/processed_images.jsonl"],
});

function counts(c: Record<string, number>): string {
  const e = Object.entries(c).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? "none" : e.map(([k, v]) => `${k} ${v}`).join(", ");
}

function describe(s: ImportEmbeddingsSummary): string[] {
  const rejected = Object.values(s.rejected).reduce((a, b) => a + b, 0);
  return [
    `imported ${s.imported} of ${s.lines} index lines into ${s.cache} (${s.block_id}) ` +
    `in ${s.seconds.toFixed(1)} s`,
    `  by project: ${counts(s.by_project)}`,
    `  rejected ${rejected} (${counts(s.rejected)}); ${s.duplicates} duplicates (first kept)`,
    `  ${s.with_image} images still exist (also stored by content hash)`,
    ...s.examples.map((e) => `  line ${e.line}: ${e.reason}: ${e.detail}`),
    `  rejections: ${s.rejections_file}`,
  ];
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.index === undefined) {
    throw new TypeError(
      "Cannot import embeddings: --index <processed_images.jsonl> is required",
    );
  }
  const s = await importEmbeddings(values.index, {
    cacheDb: values.cache,
    embeddingsDir: values["embeddings-dir"] ?? null,
    projectsDir: values.manifests || null,
    projectMap: values["project-map"] || null,
    rejectionsFile: values.rejections ?? null,
    onProgress: values.json ? () => {} : (n) => console.error(`  ${n} lines`),
  });
  if (values.json) console.log(JSON.stringify(s));
  else for (const line of describe(s)) console.log(line);
  if (s.imported === 0) {
    throw new Error(
      `Cannot import embeddings: 0 of ${s.lines} lines imported (see ${s.rejections_file})`,
    );
  }
});
