/**
 * Benchmarks of lib/logs: `ingest_1m` — ingest a generated 1M-row selection
 * log in a child process; rows per second and peak RSS (must stay < 500 MB).
 *
 * @module
 */
import type { Benchmark } from "../../../lib/bench/mod.ts";

/** Write a deterministic selection log of `rows` 3-member sets. */
async function writeSelectionLog(file: string, rows: number): Promise<void> {
  const f = await Deno.open(file, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let buf = "session_id,set_id,chosen_path,neg_paths,timestamp\n";
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const base = Date.UTC(2025, 6, 1);
  const stages = ["stage1_generated", "stage1.5_face_swapped", "stage2_upscaled"];
  for (let i = 0; i < rows; i++) {
    const t = new Date(base + i * 97_000).toISOString();
    const stamp = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}_${t.slice(11, 13)}${
      t.slice(14, 16)
    }${t.slice(17, 19)}`;
    const project = `project${i % 7}`;
    const dir = `PROJECT_ROOT/training data/${project}`;
    const chosen = Math.floor(rand() * 3);
    const names = stages.map((s) => `${dir}/${stamp}_${s}.png`);
    const neg = names.filter((_, k) => k !== chosen);
    buf += `20251004_231807,group_${i},${names[chosen]},"${
      JSON.stringify(neg).replaceAll('"', '""')
    }",${stamp}\n`;
    if (buf.length > 1 << 20) {
      await f.write(enc.encode(buf));
      buf = "";
    }
  }
  await f.write(enc.encode(buf));
  f.close();
}

/** The benchmarks of this folder. */
export const benchmarks: Benchmark[] = [{
  name: "ingest_1m",
  description: "ingest a generated 1M-row selection log (child process): rows/s, peak RSS",
  async run(ctx) {
    const rows = ctx.quick ? 50_000 : 1_000_000;
    const logs = `${ctx.tmpDir}/logs`;
    await Deno.mkdir(logs);
    ctx.log(`writing ${rows} rows`);
    await writeSelectionLog(`${logs}/selection_only_log.csv`, rows);
    ctx.log("ingesting");
    const child = new URL("./_bench_child.ts", import.meta.url).pathname;
    const config = new URL("../../../deno.json", import.meta.url).pathname;
    // By name: `deno task bench` may run only `deno` and `cp`, by name (deno.json).
    const out = await new Deno.Command("deno", {
      args: [
        "run",
        "--config",
        config,
        "--allow-read",
        "--allow-write",
        "--allow-env",
        child,
        logs,
        `${ctx.tmpDir}/out`,
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error(`Cannot run ingest_1m: child exited with ${out.code}`);
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "{}";
    const r = JSON.parse(text) as {
      rows: number;
      sets: number;
      seconds: number;
      cpu_seconds: number;
      peak_rss_mb: number;
    };
    if (r.sets !== rows) throw new Error(`Cannot trust ingest_1m: ${r.sets} sets of ${rows} rows`);
    return {
      rows: r.rows,
      rows_per_second: Math.round(r.rows / r.seconds),
      seconds: Number(r.seconds.toFixed(2)),
      // Wall time on a shared machine mostly measures the load; CPU time does not.
      cpu_seconds: Number(r.cpu_seconds.toFixed(2)),
      rows_per_cpu_second: Math.round(r.rows / r.cpu_seconds),
      peak_rss_mb: Number(r.peak_rss_mb.toFixed(1)),
    };
  },
}];
