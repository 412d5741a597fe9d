/**
 * `deno task ingest --logs <dir> [--projects <dir>] [--project-map <file>]
 * [--sandbox <dir>] [--out <dir>] [--json]`: read the creator's logs — and the
 * reviews in the sandbox (`approved_decisions.jsonl`) — into the ingested store.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { ingestLogs, type IngestSummary } from "../lib/logs/mod.ts";

const SPEC = defineTask({
  task: "ingest",
  summary:
    "Read the creator's logs into the ingested store (selection, crop, anomaly, history, reviews)",
  flags: {
    logs: {
      type: "string",
      arg: "<dir>",
      description: "folder searched for log CSVs",
      default: (w) => w.logs ?? "",
    },
    manifests: SHARED_FLAGS.manifests,
    "project-map": {
      type: "string",
      arg: "<file>",
      description: "project map JSON (folder or path prefix → project)",
      default: (w) => w.project_map ?? "",
    },
    sandbox: {
      ...SHARED_FLAGS.sandbox,
      description: "the sandbox whose approved_decisions.jsonl (reviews) is ingested too",
    },
    data: {
      ...SHARED_FLAGS.data,
      description: "where the ingested store is written",
      aliases: ["out"],
    },
    json: SHARED_FLAGS.json,
  },
  examples: [
    "deno task ingest --logs data/original/training --manifests data/original/projects " +
    "--project-map data/original/project_map.json",
  ],
});

function fmt(c: Record<string, number>): string {
  const e = Object.entries(c).sort((a, b) => b[1] - a[1]);
  return e.length === 0 ? "none" : e.map(([k, v]) => `${k} ${v}`).join(", ");
}

/** The human summary. */
function describe(s: IngestSummary): string[] {
  const sum = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  return [
    `ingested ${s.files.filter((f) => f.format !== "unknown").length} logs from ${s.logs}` +
    (s.out === null ? "" : ` → ${s.out}`),
    ...s.files.map((f) => `  ${f.file}: ${f.format}, ${f.rows} rows`),
    ...s.left_out.map((f) => `  ${f.file}: left out (${f.reason})`),
    ...(s.projects.conflicts.count === 0 ? [] : [
      `project conflicts: ${s.projects.conflicts.count} path(s) outside a known root name a project ` +
      `in a folder; not trusted (${
        s.projects.conflicts.examples.map((c) =>
          `"${c.path}": folder "${c.folder}", resolved ${c.resolved ?? "none"}`
        ).join("; ")
      })`,
    ]),
    `selection: ${s.selection.sets} sets, ${s.selection.pairs} pairs, ${s.selection.duplicates} duplicates, rejected ${
      sum(s.selection.rejected)
    } (${fmt(s.selection.rejected)})`,
    `  by project: ${fmt(s.selection.by_project)}`,
    `crops: ${s.crops.rows} rows → ${s.crops.pixel_rows} pixel + ${s.crops.normalized_rows} normalised, ${s.crops.no_crop} no-crop, ${s.crops.clamped} clamped, ${s.crops.recrops} re-crops of ${s.crops.recropped_images} images, rejected ${
      sum(s.crops.rejected)
    } (${fmt(s.crops.rejected)})`,
    `  by project: ${fmt(s.crops.by_project)}`,
    `kept: ${s.kept.rows} rows → ${s.kept.labels} images (${s.kept.duplicates} duplicates), rejected ${
      sum(s.kept.rejected)
    }`,
    `anomalies: ${s.anomalies.sets} sets, ${s.anomalies.pairs} pairs, ${s.anomalies.mixed_directories} mixing directories, rejected ${
      sum(s.anomalies.rejected)
    } (${fmt(s.anomalies.rejected)})`,
    `  by project: ${fmt(s.anomalies.by_project)}`,
  ];
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.logs === "") {
    throw new TypeError(
      "Cannot ingest: --logs <dir> is required (or record it once: deno task setup --logs <dir>)",
    );
  }
  const summary = await ingestLogs(values.logs, {
    projectsDir: values.manifests || null,
    projectMap: values["project-map"] || null,
    outDir: values.data,
    reviews: [`${values.sandbox}/approved_decisions.jsonl`],
    onProgress: values.json ? null : (file, rows) => console.error(`  ${file}: ${rows} rows`),
  });
  if (values.json) console.log(JSON.stringify(summary));
  else for (const line of describe(summary)) console.log(line);
});
