/**
 * `deno task decide --in <dir> [--project <id>] [--models <dir>] [--cache <db>]
 * [--model <onnx> --model-config <json>] [--sandbox <dir>]
 * [--out sandbox/automation_decisions.jsonl] [--order uncertain|time]
 * [--content-only] [--max-gap <s>] [--lookahead <n>] [--force] [--json]`: group new images and propose a pick and
 * a crop per group. Reads the input tree only; writes only inside the sandbox.
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { decideFolder, type DecideSummary } from "../lib/decide/mod.ts";

const SPEC = defineTask({
  task: "decide",
  summary: "Group new images and propose a pick and crop per group; moves nothing",
  flags: {
    in: {
      type: "string",
      arg: "<dir>",
      description: "the folder of new images (read only)",
      required: true,
    },
    project: {
      type: "string",
      arg: "<id>",
      description: "project id for the decisions",
      defaultText: "from the folder",
    },
    models: SHARED_FLAGS.models,
    cache: SHARED_FLAGS.cache,
    encoder: SHARED_FLAGS.encoder,
    "encoder-config": SHARED_FLAGS["encoder-config"],
    sandbox: SHARED_FLAGS.sandbox,
    out: {
      type: "string",
      arg: "<jsonl>",
      description: "decisions file (appended)",
      default: "",
      defaultText: "<sandbox>/automation_decisions.jsonl",
    },
    order: {
      type: "string",
      arg: "<uncertain|time>",
      description: "order of the decisions",
      default: "time",
    },
    "content-only": { type: "boolean", description: "group by content only, ignoring stage runs" },
    "max-gap": {
      type: "string",
      arg: "<s>",
      description: "largest time gap inside a group",
      default: "900",
    },
    lookahead: {
      type: "string",
      arg: "<n>",
      description: "files looked ahead when grouping",
      default: "50",
    },
    force: { type: "boolean", description: "decide again groups already decided" },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task decide --in ~/art/new_batch"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.in === undefined) throw new RangeError("Cannot decide: --in <dir> is required");
  const order = values.order;
  if (order !== "time" && order !== "uncertain") {
    throw new RangeError(`Cannot decide: --order "${order}" is not one of: uncertain, time`);
  }
  const maxGapSeconds = Number(values["max-gap"]);
  const lookahead = Number(values.lookahead);
  if (!(maxGapSeconds > 0) || !Number.isInteger(lookahead) || lookahead < 1) {
    throw new RangeError(
      `Cannot decide: --max-gap "${values["max-gap"]}" must be > 0 seconds and ` +
        `--lookahead "${values.lookahead}" a whole number ≥ 1`,
    );
  }
  let bar: Progress | null = null;
  let phase = "";
  const encoder = values.encoder === undefined
    ? null
    : values["encoder-config"] === undefined
    ? { path: values.encoder }
    : { path: values.encoder, config: values["encoder-config"] };
  const summary = await decideFolder(values.in, {
    project: values.project ?? "",
    sandboxRoot: values.sandbox,
    out: values.out,
    models: values.models,
    cacheDb: values.cache,
    encoder,
    order,
    force: values.force,
    grouping: { stageRuns: !values["content-only"], maxGapSeconds, lookahead },
    onProgress: (p, done, total) => {
      if (p !== phase) {
        bar?.done();
        phase = p;
        bar = new Progress(total, { label: p });
      }
      bar?.tick(1);
      if (done === total) {
        bar?.done();
        bar = null;
      }
    },
  });
  if (values.json) {
    const { groups, decided, skipped, auto_approvable, flagged, seconds, models } = summary;
    const { unreadable, unreadable_files } = summary;
    for (const line of untrained(summary)) console.error(line);
    if (unreadable > 0) {
      console.error(`decide: ${unreadable} image file(s) not used (see unreadable_files)`);
    }
    console.log(
      JSON.stringify({
        groups,
        decided,
        skipped,
        auto_approvable,
        flagged,
        seconds,
        models,
        unreadable,
        unreadable_files,
      }),
    );
    return;
  }
  for (const line of untrained(summary)) console.log(line);
  const flags = Object.entries(summary.flags).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  console.log(
    `decide: ${summary.images} images → ${summary.groups} groups ` +
      `(${summary.singletons} singletons: nothing to decide, ${summary.unreadable} unreadable)\n` +
      `  decided ${summary.decided}, skipped ${summary.skipped} already decided, ` +
      `auto-approvable ${summary.auto_approvable}, flagged ${summary.flagged} (${flags})\n` +
      (summary.decided > 0 ? `  appended to ${summary.out}` : "  nothing new to write") +
      ` in ${summary.seconds.toFixed(2)} s (no file was moved)`,
  );
  for (const f of summary.unreadable_files) console.log(`  unreadable: ${f.path}: ${f.reason}`);
});

/** One line per model that was not trained (the fallback decided). */
function untrained(s: DecideSummary): string[] {
  const out: string[] = [];
  if (!s.models.ranker.trained) {
    out.push(
      `decide: no trained ranker (${s.models.ranker.identity}): picks are the highest stage`,
    );
  }
  if (!s.models.crop.trained) {
    out.push(`decide: no trained crop model (${s.models.crop.identity}): crops are the median box`);
  }
  return out;
}
