/**
 * `deno task demo [--no-serve] [--port 8080] [--scale 0.25] [--json]`: the
 * whole pipeline on shipped data — the real logs analysed, then a simulated
 * project (from the photos in data/demo) through simulate → ingest → embed →
 * train → evaluate → decide, and the review page. `--no-serve` skips the
 * server and dry-runs `apply` on the auto-approvable groups instead. A second
 * run reuses everything already computed in `sandbox/demo`.
 *
 * @module
 */
import { relative } from "node:path";
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { type DemoResult, runDemo } from "../lib/demo/mod.ts";
import { AUTO_APPROVE_PRECISION } from "../lib/pipeline/mod.ts";
import { serveReviewer } from "../reviewer/server.ts";

const SPEC = defineTask({
  task: "demo",
  summary: "Run the pipeline end to end on shipped demo data",
  flags: {
    "no-serve": { type: "boolean", description: "skip the review server; dry-run apply instead" },
    port: { type: "string", arg: "<n>", description: "review page port", default: "8080" },
    scale: {
      type: "string",
      arg: "<s>",
      description: "simulated image size (0 < s <= 1)",
      default: "0.25",
    },
    sandbox: {
      ...SHARED_FLAGS.sandbox,
      default: "sandbox/demo",
      description: "the demo's own sandbox",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task demo --no-serve"],
});

const pct = (x: number | null | undefined) => (x == null ? "n/a" : `${(100 * x).toFixed(1)}%`);

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const scale = Number(values.scale);
  const port = Number(values.port);
  if (!(scale > 0 && scale <= 1)) {
    throw new RangeError(`Cannot use --scale "${values.scale}": expected 0 < s <= 1`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot use --port "${values.port}": expected 0-65535`);
  }
  const t0 = performance.now();
  const log = (line: string) => {
    if (!values.json) console.log(line);
  };
  const r = await runDemo({
    sandboxRoot: values.sandbox,
    scale,
    onStep: (s) => log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${s}`),
    dryRunApply: values["no-serve"],
    onDecided: (result) => printResults(result, log),
  });
  const ev = r.experiment.evaluation;
  const d = r.decide;
  const sandboxArg = relative(Deno.cwd(), r.sandboxRoot) || ".";
  const reviewCommand = `deno task review --sandbox ${
    /^[\w./-]+$/.test(sandboxArg) ? sandboxArg : JSON.stringify(sandboxArg)
  }`;

  const dry = r.applyDryRun;
  if (dry !== null) {
    const t = dry.totals;
    if (dry.approved === 0) {
      const band = ev.ranker?.auto_approve.threshold;
      log(
        `Apply (dry run): no group is in the auto-approve band (${
          band == null
            ? `no confidence reached the ${
              100 * AUTO_APPROVE_PRECISION
            }% validation precision the band needs`
            : `none reached confidence ${band.toFixed(3)}`
        }), so every group waits for review; empty plan ` +
          `${relative(Deno.cwd(), dry.planFile)}. Nothing moved.`,
      );
    } else {
      log(
        `Apply (dry run) of the ${dry.approved} auto-approvable groups: ${t["moves"]} moves, ` +
          `${t["crops"]} crops, ${t["conflicts"]} conflicts, ${t["errors"]} errors; plan ` +
          `${relative(Deno.cwd(), dry.planFile)}. Nothing moved.`,
      );
    }
    log(`Done in ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
    log(`Open the results on the review page: ${reviewCommand}`);
    if (values.json) {
      console.log(JSON.stringify({
        evaluation: ev,
        decide: d,
        score: r.score,
        apply_dry_run: dry,
        review_command: reviewCommand,
        seconds: (performance.now() - t0) / 1000,
      }));
    }
    return 0;
  }
  const running = await serveReviewer(r.decisionsFile, { port, sandboxRoot: r.sandboxRoot });
  console.log(`\nReview the ${running.groups} decisions at ${running.url}  (Ctrl-C to stop)`);
  const stop = () => void running.shutdown();
  Deno.addSignalListener("SIGINT", stop);
  await running.finished;
  Deno.removeSignalListener("SIGINT", stop);
  return 0;
});

/** The summary of the demo's results, one line at a time. */
function printResults(r: DemoResult, log: (line: string) => void): void {
  const c = r.real.ingest.crops;
  log("");
  log(
    `Real logs (data/original): ${c.rows} crop rows (${c.pixel_rows} pixel, ` +
      `${c.normalized_rows} normalised, ${c.no_crop} no-crop), ${r.real.ingest.anomalies.sets} ` +
      `anomaly sets / ${r.real.ingest.anomalies.pairs} pairs over ` +
      `${Object.keys(r.real.anomalies.projects).length} projects.`,
  );
  const ev = r.experiment.evaluation;
  if (ev.ranker) {
    const k = ev.ranker;
    const where = ev.data.test_source === "heldout" ? "held-out" : "logged test";
    log(
      `Ranker on ${ev.data.test_sets} ${where} sets: ${pct(k.overall_acc)} overall ` +
        `(normal ${k.n_normal > 0 ? pct(k.normal_acc) : "n/a"} of ${k.n_normal}, anomaly ` +
        `${k.n_anomaly > 0 ? pct(k.anomaly_acc) : "n/a"} of ${k.n_anomaly}); highest stage ` +
        `${pct(k.baselines.highest_stage)}, ECE ${k.ece.toFixed(3)}.`,
    );
  }
  if (ev.crop) {
    log(
      `Crop proposer: mean IoU ${ev.crop.mean_iou.toFixed(3)} ` +
        `(median box ${ev.crop.baselines.median_box.toFixed(3)}, full image ` +
        `${ev.crop.baselines.full_image.toFixed(3)}).`,
    );
  }
  const d = r.decide;
  log(
    `Decide: ${d.groups} groups (${d.decided} new, ${d.skipped} already decided), ` +
      `${d.auto_approvable} auto-approvable, ${d.flagged} flagged → ${
        relative(Deno.cwd(), r.decisionsFile)
      }`,
  );
  log(
    `End to end vs ground truth: pick accuracy ${pct(r.score.pick_accuracy)}, crop IoU ` +
      `${r.score.crop_iou.toFixed(3)}, grouping F1 ${r.score.grouping.f1.toFixed(3)}.`,
  );
  log("Held-out groups (never logged), right pick: keeper vs always keeping the highest stage");
  const names: Record<string, string> = {
    all: "all",
    normal: "normal (creator kept the highest stage)",
    anomaly: "anomaly (creator kept a lower stage)",
    flagged: "flagged for a look",
    auto_approvable: "auto-approvable",
  };
  for (const [c, v] of Object.entries(r.score.by_class)) {
    log(
      `  ${(names[c] ?? c).padEnd(41)} ${String(v.groups).padStart(4)} groups: keeper ` +
        `${pct(v.keeper).padStart(6)}, highest stage ${pct(v.highest_stage).padStart(6)}`,
    );
  }
}
