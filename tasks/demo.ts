/**
 * `deno task demo`: the pipeline on shipped data. For now: ingest the
 * creator's real logs (data/original) and print the anomaly analysis; later
 * stages add their steps here.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runTask } from "../lib/cli/mod.ts";
import { ingestLogs } from "../lib/logs/mod.ts";
import { analyzeAnomalies } from "../lib/anomaly/mod.ts";
import { readIngested } from "../lib/logs/mod.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: "data/ingested" },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  const root = new URL("../data/original/", import.meta.url).pathname;
  const ingest = await ingestLogs(`${root}training`, {
    projectsDir: `${root}projects`,
    projectMap: `${root}project_map.json`,
    outDir: values.out,
  });
  const { selections } = await readIngested(values.out);
  const anomalies = analyzeAnomalies(selections);
  if (values.json) {
    console.log(JSON.stringify({ ingest, anomalies: anomalies.total }));
    return;
  }
  const c = ingest.crops;
  console.log(`ingest (real logs, data/original → ${values.out})`);
  console.log(
    `  crops: ${c.rows} rows → ${c.pixel_rows} pixel + ${c.normalized_rows} normalised, ` +
      `${c.no_crop} no-crop, ${c.recrops} re-crops; by project ${JSON.stringify(c.by_project)}`,
  );
  console.log(
    `  selection: ${ingest.selection.sets} sets (${ingest.selection.duplicates} duplicates); ` +
      `anomaly export: ${ingest.anomalies.sets} sets, ${ingest.anomalies.pairs} pairs, ` +
      `${ingest.anomalies.mixed_directories} mixing directories`,
  );
  console.log(`  kept (historical extraction): ${ingest.kept.labels} images`);
  console.log(
    "analyze (stage 1.5 counted; anomaly-export sets are anomalies by construction, so rates " +
      "mean something only for projects with logged selections)",
  );
  const rows = Object.entries(anomalies.projects).sort((a, b) => b[1].sets - a[1].sets);
  for (const [project, s] of rows) {
    const rate = s.anomaly_rate === null ? "n/a" : `${(100 * s.anomaly_rate).toFixed(1)}%`;
    console.log(
      `  ${project.padEnd(18)} ${
        String(s.sets).padStart(4)
      } sets, ${s.anomalies} anomalies (${rate})`,
    );
  }
});
