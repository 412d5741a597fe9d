/**
 * `deno task decide --in <dir> [--project <id>] [--models <dir>] [--cache <db>]
 * [--model <onnx> --model-config <json>] [--sandbox <dir>]
 * [--out sandbox/automation_decisions.jsonl] [--order uncertain|time]
 * [--content-only] [--max-gap <s>] [--lookahead <n>] [--force] [--json]`: group new images and propose a pick and
 * a crop per group. Reads the input tree only; writes only inside the sandbox.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Progress, runTask } from "../lib/cli/mod.ts";
import { decideFolder, type DecideSummary } from "../lib/decisions/mod.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      in: { type: "string" },
      project: { type: "string", default: "" },
      models: { type: "string", default: "data/ai_data/models" },
      cache: { type: "string", default: "data/cache/features.sqlite" },
      model: { type: "string" },
      "model-config": { type: "string" },
      sandbox: { type: "string", default: "sandbox" },
      out: { type: "string", default: "" },
      order: { type: "string", default: "time" },
      "content-only": { type: "boolean", default: false },
      "max-gap": { type: "string", default: "900" },
      lookahead: { type: "string", default: "50" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
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
  const encoder = values.model === undefined
    ? null
    : values["model-config"] === undefined
    ? { path: values.model }
    : { path: values.model, config: values["model-config"] };
  const summary = await decideFolder(values.in, {
    project: values.project,
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
    for (const line of untrained(summary)) console.error(line);
    console.log(
      JSON.stringify({ groups, decided, skipped, auto_approvable, flagged, seconds, models }),
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
