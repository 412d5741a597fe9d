/**
 * `deno task extract --raw <dir> --final <dir> --project <id> [--out <logs dir>]
 * [--allow-empty <kind>]... [--json]`:
 * rebuild a finished project's selection and crop logs from its raw and final
 * folders (resumable; never writes into either folder).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { Progress, runTask } from "../lib/cli/mod.ts";
import { extractCoverage, extractHistory, type ExtractReport } from "../lib/extract/mod.ts";
import { coverageErrors, formatCoverage } from "../lib/eval/mod.ts";

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
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      raw: { type: "string" },
      final: { type: "string" },
      project: { type: "string" },
      out: { type: "string" },
      "allow-empty": { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  if (values.raw === undefined || values.final === undefined || values.project === undefined) {
    throw new TypeError(
      "Cannot extract: --raw <dir>, --final <dir> and --project <id> are required",
    );
  }
  let bar: Progress | null = null;
  const { report } = await extractHistory(values.raw, values.final, {
    project: values.project,
    outDir: values.out ?? `data/extracted/${values.project}`,
    onProgress: (done, total) => {
      bar ??= new Progress(total, {
        label: "extract",
        enabled: !values.json && Deno.stderr.isTerminal(),
      });
      bar.tick(1);
      if (done === total) bar.done();
    },
  });
  const coverage = extractCoverage(report);
  const errors = coverageErrors(coverage, {
    allowEmpty: values["allow-empty"] ?? [],
    command: "extract",
  });
  if (values.json) console.log(JSON.stringify({ ...report, coverage }));
  else for (const line of [...describe(report), ...formatCoverage(coverage)]) console.log(line);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return report.groups > 0 && report.chosen_by_name + report.chosen_by_content === 0 ? 1 : 0;
});
