/**
 * `deno task simulate --out <dir> [--seed 1] [--projects 3] [--groups 600] [--heldout 200]
 * [--anomaly-rate 0.005,0.04,0.17] [--taste-free 3] [--creator photo|subject] [--scale 1] [--threads 2] [--raw-final] [--layout keeper|original] [--contact-sheet <png>] [--json]`
 * [--embedding-cache <clip.onnx> [--keep-rejected]]
 *
 * `--embedding-cache` also writes the original's CLIP cache for the logged history
 * (`original_cache/data/ai_data/{cache/processed_images.jsonl,embeddings/*.npy}`, raw vectors,
 * absolute original-style paths), then deletes the rejected variants' image files.
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { runSimulate } from "../lib/sim/mod.ts";

const SPEC = defineTask({
  task: "simulate",
  summary: "Build simulated creator projects (images, companions, logs, ground truth)",
  flags: {
    out: { type: "string", arg: "<dir>", description: "output folder", required: true },
    seed: {
      type: "string",
      arg: "<n>",
      description: "simulator seed",
      default: "1",
      aliases: ["sim-seed"],
    },
    projects: { type: "string", arg: "<n>", description: "projects", default: "3" },
    groups: {
      type: "string",
      arg: "<n>",
      description: "logged groups per project",
      default: "600",
    },
    heldout: { type: "string", arg: "<n>", description: "held-out groups", default: "200" },
    "anomaly-rate": {
      type: "string",
      arg: "<a,b,c>",
      description: "anomaly rate per project",
      defaultText: "0.005,0.04,0.17",
    },
    scale: { type: "string", arg: "<s>", description: "image size (0 < s <= 1)", default: "1" },
    creator: {
      type: "string",
      arg: "<photo|subject>",
      description:
        "simulated creator: photo (characters cut from photos) or subject (drawn/painted/3-D " +
        "characters from data/art placed anywhere, crops that follow the subject)",
      default: "photo",
    },
    "taste-free": {
      type: "string",
      arg: "<n,…>",
      description: "projects (1-based) without the taste rule (they keep over-processed tops)",
    },
    threads: { type: "string", arg: "<n>", description: "worker threads", default: "2" },
    "raw-final": { type: "boolean", description: "also lay out <project>_raw / _final folders" },
    layout: {
      type: "string",
      arg: "<keeper|original>",
      description: "folder layout: keeper's or the original tool's",
      default: "keeper",
    },
    "contact-sheet": { type: "string", arg: "<png>", description: "also write a contact sheet" },
    "embedding-cache": {
      type: "string",
      arg: "<clip.onnx>",
      description:
        "also write the original's CLIP cache (.npy + index) for the logged history with this " +
        "encoder, then delete the rejected variants' image files",
    },
    "keep-rejected": {
      type: "boolean",
      description: "with --embedding-cache: keep the rejected variants' files",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task simulate --out /tmp/sim --scale 0.25 --groups 100 --heldout 40"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (!values.out) throw new TypeError("Cannot simulate: --out <dir> is required");
  if (values.layout !== "keeper" && values.layout !== "original") {
    throw new TypeError(
      `Cannot simulate: --layout "${values.layout}" is not one of keeper, original`,
    );
  }
  const layout: "keeper" | "original" = values.layout;
  const num = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n)) {
      throw new TypeError(`Cannot simulate: --${name} "${v}" is not a number`);
    }
    return n;
  };
  let bar: Progress | undefined;
  const t0 = performance.now();
  let lastLine = -Infinity;
  const rates = values["anomaly-rate"]?.split(",").map((v) => num("anomaly-rate", v));
  const { summary, cache } = await runSimulate(values.out, {
    seed: num("seed", values.seed),
    projects: num("projects", values.projects),
    groups: num("groups", values.groups),
    heldout: num("heldout", values.heldout),
    scale: num("scale", values.scale),
    rawFinal: values["raw-final"],
    layout,
    threads: num("threads", values.threads),
    ...(rates ? { anomalyRate: rates } : {}),
    ...(values.creator !== "photo" ? { creator: values.creator as "photo" | "subject" } : {}),
    ...(values["taste-free"]
      ? { tasteFree: values["taste-free"].split(",").map((v) => num("taste-free", v)) }
      : {}),
    contactSheet: values["contact-sheet"] ?? null,
    embeddingCache: values["embedding-cache"] ?? null,
    keepRejected: values["keep-rejected"],
    onProgress: (done, total) => {
      bar ??= new Progress(total, { label: "simulate" });
      bar.tick(1);
      if (done === total) bar.done();
      // Without a terminal (stderr to a file), one plain line every 30 s instead of the bar.
      const now = performance.now();
      if (!Deno.stderr.isTerminal() && (now - lastLine >= 30_000 || done === total)) {
        lastLine = now;
        const s = (now - t0) / 1000;
        console.error(
          `${new Date().toISOString()} simulate ${done}/${total} groups, ${s.toFixed(0)} s, ` +
            `ETA ${done > 0 ? ((s / done) * (total - done)).toFixed(0) : "?"} s`,
        );
      }
    },
  });
  if (values.json) {
    console.log(JSON.stringify(cache ? { ...summary, embedding_cache: cache } : summary));
  } else {
    console.log(
      `simulated ${summary.projects.length} projects into ${summary.out}: ` +
        `${summary.groups_logged} logged + ${summary.groups_heldout} held-out groups, ${summary.images} images`,
    );
    for (const [p, r] of Object.entries(summary.anomaly_rate_by_project)) {
      console.log(`  ${p}: anomaly rate ${(r * 100).toFixed(1)}%`);
    }
    if (cache) {
      console.log(
        `  original CLIP cache: ${cache.vectors} vectors for ${cache.sets} logged sets → ${cache.index}; ` +
          `${cache.rejected_files_deleted} rejected variants' files deleted`,
      );
    }
  }
});
