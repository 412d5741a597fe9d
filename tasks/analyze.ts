/**
 * `deno task analyze [--in <dir>] [--kinds a,b] [--json]`: per-project anomaly
 * statistics from the ingested store.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { analyzeStore, type AnomalyReport } from "../lib/anomaly/mod.ts";
import type { SelectionKind } from "../lib/types.ts";

const SPEC = defineTask({
  task: "analyze",
  summary: "Per-project anomaly statistics from the ingested logs",
  flags: {
    data: { ...SHARED_FLAGS.data, aliases: ["in"] },
    kinds: {
      type: "string",
      arg: "<a,b>",
      description: "selection kinds to count (e.g. selection_log,extraction)",
      defaultText: "all",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task analyze --kinds selection_log,extraction --json"],
});

function pct(r: number | null): string {
  return r === null ? "n/a" : `${(100 * r).toFixed(1)}%`;
}

function table(c: Record<string, number>): string {
  return Object.entries(c).sort().map(([k, v]) => `${k}:${v}`).join(" ");
}

/** The human summary. */
function describe(report: AnomalyReport): string[] {
  const lines = [
    "project              sets  pairs  anomalies  rate    mixed  transitions (chosen->max rejected)",
  ];
  const row = (name: string, s: AnomalyReport["total"]): string =>
    `${name.padEnd(20)} ${String(s.sets).padStart(5)} ${String(s.pairs).padStart(6)} ${
      String(s.anomalies).padStart(10)
    }  ${pct(s.anomaly_rate).padEnd(7)} ${String(s.mixed_directories).padStart(5)}  ${
      table(s.transitions)
    }`;
  const byCount = Object.entries(report.projects).sort((a, b) =>
    b[1].sets - a[1].sets || (a[0] < b[0] ? -1 : 1)
  );
  for (const [name, s] of byCount) lines.push(row(name, s));
  lines.push(row("(all)", report.total));
  lines.push(`group sizes: ${table(report.total.group_sizes)}`);
  for (const m of report.total.mixed) {
    lines.push(
      `mixed directories: ${m.source.file}:${m.source.line} ${m.set_id} ${m.dirs.join(" | ")}`,
    );
  }
  return lines;
}

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const kinds = values.kinds === undefined
    ? null
    : values.kinds.split(",").map((k) => k.trim() as SelectionKind);
  const report = await analyzeStore(values.data, { kinds });
  if (values.json) console.log(JSON.stringify(report));
  else for (const line of describe(report)) console.log(line);
});
