/**
 * Benchmark of lib/sim: `simulate_scale1` renders and writes groups at real
 * size (1024²/2048²/3072²) and reports wall and CPU seconds (all threads) and MB per group,
 * from which a full default run (3 × 800 groups) is extrapolated.
 *
 * @module
 */
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { simulate } from "../../../lib/sim/mod.ts";

/** The simulator benchmarks. */
export const benchmarks: Benchmark[] = [
  {
    name: "simulate_scale1",
    description: "simulate groups at full size; seconds and MB per group, default run extrapolated",
    async run(ctx) {
      const groups = ctx.quick ? 3 : 20;
      const scale = ctx.quick ? 0.25 : 1;
      const out = `${ctx.tmpDir}/sim`;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const s = await simulate(out, {
        projects: 1,
        groups,
        heldout: 0,
        scale,
        seed: 1,
        threads: 2,
      });
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      const cpu = (used.user + used.system) / 1e6;
      let bytes = 0;
      const walk = async (dir: string): Promise<void> => {
        for await (const e of Deno.readDir(dir)) {
          if (e.isDirectory) await walk(`${dir}/${e.name}`);
          else bytes += (await Deno.stat(`${dir}/${e.name}`)).size;
        }
      };
      await walk(out);
      const perGroup = seconds / s.groups_logged;
      return {
        groups: s.groups_logged,
        scale,
        seconds: Math.round(seconds * 10) / 10,
        seconds_per_group: Math.round(perGroup * 100) / 100,
        cpu_seconds: Math.round(cpu * 10) / 10,
        cpu_seconds_per_group: Math.round((cpu / s.groups_logged) * 100) / 100,
        mb_per_group: Math.round((bytes / 1e6 / s.groups_logged) * 10) / 10,
        default_run_minutes_estimate: scale === 1 ? Math.round((perGroup * 2400) / 6) / 10 : null,
        default_run_gb_estimate: scale === 1
          ? Math.round((bytes / 1e9 / s.groups_logged) * 2400 * 10) / 10
          : null,
      };
    },
  },
];
