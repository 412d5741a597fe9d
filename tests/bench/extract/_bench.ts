/**
 * Benchmark of lib/extract: `extract_1000` simulates one project of 1,000
 * groups with raw and final folders (scale 0.125: 128–384 px images), then
 * times `extractHistory` on it and scores it against the ground truth.
 *
 * @module
 */
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { simulate } from "../../../lib/sim/mod.ts";
import { extractHistory, scoreExtraction, type TruthRecord } from "../../../lib/extract/mod.ts";

/** The extraction benchmarks. */
export const benchmarks: Benchmark[] = [
  {
    name: "extract_1000",
    description: "extract 1,000 simulated groups (scale 0.125) from raw/final folders; seconds",
    async run(ctx) {
      const groups = ctx.quick ? 40 : 1000;
      const scale = 0.125;
      const sim = `${ctx.tmpDir}/sim`;
      ctx.log(`extract_1000: simulating ${groups} groups at scale ${scale}`);
      await simulate(sim, { projects: 1, groups, heldout: 0, scale, seed: 5, rawFinal: true });
      const t0 = performance.now();
      const { report, groups: extracted } = await extractHistory(
        `${sim}/raw_final/sim1_raw`,
        `${sim}/raw_final/sim1_final`,
        { project: "sim1", outDir: `${ctx.tmpDir}/out` },
      );
      const seconds = (performance.now() - t0) / 1000;
      const truth = (await Deno.readTextFile(`${sim}/raw_final/ground_truth.jsonl`)).trim()
        .split("\n").map((l) => JSON.parse(l) as TruthRecord);
      const s = scoreExtraction(extracted, truth);
      return {
        groups: report.groups,
        scale,
        seconds: Math.round(seconds * 10) / 10,
        groups_per_second: Math.round((report.groups / seconds) * 10) / 10,
        chosen_by_name: report.chosen_by_name,
        chosen_by_content: report.chosen_by_content,
        all_rejected: report.all_rejected,
        agreement: Math.round(s.agreement * 10000) / 10000,
        crop_mean_iou: s.mean_iou === null ? null : Math.round(s.mean_iou * 10000) / 10000,
      };
    },
  },
];
