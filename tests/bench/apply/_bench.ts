/**
 * Benchmarks of lib/apply: `apply_1000` (plan + execute 1,000 groups of 3
 * images with 3 companions each, journal fsync'd) and `apply_faults` (the
 * 100-trial SIGKILL fault run; losses must be 0) and `apply_tamper` (112 trials
 * that tamper with the tree between plan and moves; outside writes and losses must be 0).
 *
 * @module
 */
import { join } from "node:path";
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { executePlan, planApply } from "../../../lib/apply/mod.ts";
import { makeApplyFixture } from "../../fixtures/make_apply_fixture.ts";
import { runFaultTrials } from "../../fixtures/run_fault_trials.ts";
import { runTamperTrials, TAMPER_KINDS } from "../../fixtures/run_tamper_trials.ts";

/** The apply benchmarks. */
export const benchmarks: Benchmark[] = [
  {
    name: "apply_1000",
    description: "plan + execute 1,000 groups (3 images, 3 companions each), journal fsync'd",
    async run(ctx) {
      const groups = ctx.quick ? 100 : 1000;
      const root = join(ctx.tmpDir, "sandbox");
      const fx = await makeApplyFixture(root, {
        groups,
        members: 3,
        companions: [".yaml", ".caption", ".txt"],
        rejectShare: 0,
        seed: 11,
      });
      ctx.log(`fixture: ${fx.files} files in ${groups} groups`);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const plan = await planApply(root);
      const t1 = performance.now();
      const summary = await executePlan(plan);
      const t2 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      if (summary.groups_applied !== groups) {
        throw new Error(
          `Cannot bench apply: ${summary.groups_applied} of ${groups} groups applied`,
        );
      }
      return {
        seconds: Math.round((t2 - t0) / 10) / 100,
        plan_seconds: Math.round((t1 - t0) / 10) / 100,
        execute_seconds: Math.round((t2 - t1) / 10) / 100,
        // CPU time of this process: the cost without the shared machine's waiting.
        cpu_seconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
        load_average: Math.round(Deno.loadavg()[0]! * 10) / 10,
        groups,
        files: fx.files,
        steps: plan.steps.length,
        crops: summary.crops_written,
      };
    },
  },
  {
    name: "apply_faults",
    description: "SIGKILL apply at random points (50-group batch), recover, check by content hash",
    async run(ctx) {
      const r = await runFaultTrials(ctx.tmpDir, {
        trials: ctx.quick ? 4 : 100,
        groups: 50,
        seed: 2026,
        concurrency: 2,
        log: ctx.log,
      });
      const outcomes: Record<string, number> = {};
      for (const d of r.details) outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1;
      return {
        trials: r.trials,
        losses: r.losses,
        interrupted_mid_run: r.details.filter((d) => d.interrupted).length,
        committed: outcomes["committed"] ?? 0,
        rolled_back: outcomes["rolled_back"] ?? 0,
        not_started: outcomes["not_started"] ?? 0,
      };
    },
  },
  {
    name: "apply_tamper",
    description:
      "tamper between plan and commit (links, same-size bytes, planted journals, copied sandbox), " +
      "repair, recover/rollback, check inside and outside by content hash",
    async run(ctx) {
      const t0 = performance.now();
      const r = await runTamperTrials(ctx.tmpDir, {
        trials: ctx.quick ? TAMPER_KINDS.length : 8 * TAMPER_KINDS.length,
        groups: 8,
        seed: 2026,
        log: ctx.log,
      });
      for (const d of r.details) {
        if (d.outsideWrites.length + d.losses.length > 0) {
          ctx.log(`${d.kind}: ${[...d.outsideWrites, ...d.losses].slice(0, 3).join("; ")}`);
        }
      }
      return {
        trials: r.trials,
        outside_writes: r.outside_writes,
        losses: r.losses,
        refused: r.refused,
        kinds: TAMPER_KINDS.length,
        seconds: Math.round((performance.now() - t0) / 10) / 100,
      };
    },
  },
];
