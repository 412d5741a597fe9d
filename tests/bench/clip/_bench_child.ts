/**
 * Child process of the `import_embeddings_77k` benchmark: import one
 * original-style cache, print `{imported, rejected, seconds, cpu_seconds,
 * peak_rss_mb}` (peak from /proc VmHWM, else sampled).
 *
 * @module
 */
import process from "node:process";
import { importEmbeddings } from "../../../lib/clip/mod.ts";

const [index, projects, cacheDb] = Deno.args;
if (index === undefined || projects === undefined || cacheDb === undefined) {
  throw new TypeError("Cannot bench: index, projects folder and cache path needed");
}
let sampled = Deno.memoryUsage().rss;
const timer = setInterval(() => {
  sampled = Math.max(sampled, Deno.memoryUsage().rss);
}, 20);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const s = await importEmbeddings(index, { cacheDb, projectsDir: projects });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(timer);
let peak = sampled;
try {
  const m = /VmHWM:\s+(\d+) kB/.exec(await Deno.readTextFile("/proc/self/status"));
  if (m) peak = Number(m[1]) * 1024;
} catch {
  // not Linux: keep the sampled peak
}
console.log(JSON.stringify({
  imported: s.imported,
  rejected: Object.values(s.rejected).reduce((a, b) => a + b, 0),
  seconds,
  cpu_seconds: (cpu.user + cpu.system) / 1e6,
  peak_rss_mb: peak / 2 ** 20,
}));
