/**
 * Child process of the `ingest_1m` benchmark: ingest one folder, print
 * `{rows, seconds, peak_rss_mb}` (peak from /proc VmHWM, else sampled).
 *
 * @module
 */
import process from "node:process";
import { ingestLogs } from "../../../lib/logs/mod.ts";

const [logs, out] = Deno.args;
if (logs === undefined || out === undefined) {
  throw new TypeError("Cannot bench: logs and out dirs needed");
}
let sampled = Deno.memoryUsage().rss;
const timer = setInterval(() => {
  sampled = Math.max(sampled, Deno.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const s = await ingestLogs(logs, { outDir: out });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(timer);
let peak = sampled;
try {
  const m = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile("/proc/self/status"));
  if (m) peak = Number(m[1]) * 1024;
} catch {
  // not Linux: keep the sampled peak
}
const rows = s.files.reduce((a, f) => a + f.rows, 0);
console.log(JSON.stringify({
  rows,
  sets: s.selection.sets,
  seconds,
  cpu_seconds: cpuSeconds,
  peak_rss_mb: peak / 2 ** 20,
}));
