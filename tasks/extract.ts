/**
 * `deno task extract --raw <dir> --final <dir> --project <id> [--out <logs dir>] [--json]`:
 * rebuild a finished project's selection and crop logs from its raw and final
 * folders (resumable; never writes into either folder).
 *
 * @module
 */
import { defineTask, parseFlags, Progress, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { type ExtractReport, runExtract } from "../lib/extract/mod.ts";
import { formatCoverage } from "../lib/eval/mod.ts";

const SPEC = defineTask({
  task: "extract",
  summary: "Rebuild selection and crop logs from a project's raw and final folders",
  flags: {
    raw: {
      type: "string",
      arg: "<dir>",
      description: "the project's raw folder (all variants)",
      required: true,
    },
    final: {
      type: "string",
      arg: "<dir>",
      description: "the project's final folder (kept, cropped)",
      required: true,
    },
    project: { type: "string", arg: "<id>", description: "the project id", required: true },
    out: {
      type: "string",
      arg: "<dir>",
      description: "logs folder written",
      defaultText: "data/extracted/<project>",
    },
    "allow-empty": {
      type: "string",
      multiple: true,
      arg: "<kind>",
      description: "allow a label kind (extraction, crop) to end with 0 usable examples",
      defaultText: "none",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task extract --raw ~/art/mojo1_raw --final ~/art/mojo1_final --project mojo1"],
});

/** The human summary. */
function describe(r: ExtractReport): string[] {
  const fails = Object.entries(r.failures).sort((a, b) => b[1] - a[1]);
  return [
    `extracted ${r.project}: ${r.groups} groups (${r.singletons} singletons) from ${r.raw_images} raw and ${r.final_images} delivered images in ${r.seconds}s` +
    (r.resumed > 0 ? ` (${r.resumed} groups resumed)` : ""),
    `  chosen by name ${r.chosen_by_name}, by content ${r.chosen_by_content}, all rejected ${r.all_rejected}, ambiguous ${r.ambiguous}`,
    `  crops: ${r.crops.recovered} recovered, ${r.crops.full_frame} full frame, ${r.crops.low_score} low score, ${r.crops.failed} failed`,
    `  failures: ${fails.length === 0 ? "none" : fails.map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  unmatched delivered images: ${r.unmatched_finals.length}` +
    (r.unmatched_finals.length > 0 ? ` (e.g. ${r.unmatched_finals.slice(0, 3).join(", ")})` : ""),
    ...(r.outputs === null ? [] : [
      `  wrote ${r.outputs["selection_log"]}, ${r.outputs["crop_log"]}, ${r.outputs["report"]}`,
    ]),
  ];
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.raw === undefined || values.final === undefined || values.project === undefined) {
    throw new TypeError(
      "Cannot extract: --raw <dir>, --final <dir> and --project <id> are required",
    );
  }
  let bar: Progress | null = null;
  const { report, coverage, errors } = await runExtract(values.raw, values.final, {
    project: values.project,
    outDir: values.out ?? `data/extracted/${values.project}`,
    allowEmpty: values["allow-empty"] ?? [],
    onProgress: (done, total) => {
      bar ??= new Progress(total, {
        label: "extract",
        enabled: !values.json && Deno.stderr.isTerminal(),
      });
      bar.tick(1);
      if (done === total) bar.done();
    },
  });
  if (values.json) console.log(JSON.stringify({ ...report, coverage }));
  else for (const line of [...describe(report), ...formatCoverage(coverage)]) console.log(line);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return report.groups > 0 && report.chosen_by_name + report.chosen_by_content === 0 ? 1 : 0;
});
