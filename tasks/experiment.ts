/**
 * `deno task experiment --sim-seed <n> [--scale <s>] [--seed <n>] [--projects N] [--groups N] [--heldout N]
 * [--features builtin,embedding,layout] [--model <encoder.onnx>] [--keep] [--work-dir <dir>] [--json]`
 *
 * simulate → ingest → embed → train → evaluate in a fresh temp folder; prints
 * evaluate's JSON with `--json`.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { runExperiment, writeReport } from "../lib/eval/mod.ts";

const SPEC = defineTask({
  task: "experiment",
  summary: "simulate -> ingest -> embed -> train -> evaluate in a fresh temp folder",
  flags: {
    "sim-seed": { type: "string", arg: "<n>", description: "simulator seed", default: "1" },
    scale: {
      type: "string",
      arg: "<s>",
      description: "simulated image size (0 < s <= 1)",
      default: "1",
    },
    seed: { type: "string", arg: "<n>", description: "training seed", default: "1" },
    projects: {
      type: "string",
      arg: "<n>",
      description: "simulated projects",
      defaultText: "simulate's",
    },
    groups: {
      type: "string",
      arg: "<n>",
      description: "groups per project",
      defaultText: "simulate's",
    },
    heldout: {
      type: "string",
      arg: "<n>",
      description: "held-out groups",
      defaultText: "simulate's",
    },
    features: {
      type: "string",
      arg: "<a,b>",
      description: "feature blocks",
      defaultText: "builtin,layout,signature (+embedding with --encoder)",
    },
    encoder: SHARED_FLAGS.encoder,
    keep: { type: "boolean", description: "keep the temp folder" },
    "work-dir": {
      type: "string",
      arg: "<dir>",
      description: "work here instead of a temp folder (kept)",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task experiment --sim-seed 2 --scale 0.25 --json"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) {
      throw new TypeError(`Cannot run experiment: --${name} "${v}" is not a number`);
    }
    return n;
  };
  const integer = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n)) {
      throw new TypeError(`Cannot run experiment: --${name} "${v}" is not an integer`);
    }
    return n;
  };
  const features = values.features?.split(",") ??
    (values.encoder
      ? ["builtin", "embedding", "layout", "signature"]
      : ["builtin", "layout", "signature"]);
  const sizes = {
    ...(values.projects ? { projects: num("projects", values.projects)! } : {}),
    ...(values.groups ? { groups: num("groups", values.groups)! } : {}),
    ...(values.heldout ? { heldout: num("heldout", values.heldout)! } : {}),
  };
  const t0 = performance.now();
  const r = await runExperiment({
    simSeed: num("sim-seed", values["sim-seed"])!,
    scale: num("scale", values.scale)!,
    seed: integer("seed", values.seed),
    features,
    ...sizes,
    ...(values.encoder ? { model: { path: values.encoder } } : {}),
    ...(values["work-dir"] ? { workDir: values["work-dir"] } : {}),
    onStep: (s) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}`),
  });
  try {
    await writeReport(`${r.dir}/report`, r.evaluation);
    if (values.json) console.log(JSON.stringify(r.evaluation));
    else {
      const k = r.evaluation.ranker, c = r.evaluation.crop;
      console.log(
        `experiment in ${r.dir} (${
          Object.entries(r.seconds).map(([k, v]) => `${k} ${v.toFixed(0)}s`).join(", ")
        })`,
      );
      if (k) {
        console.log(
          `  ranker: normal ${k.normal_acc.toFixed(3)}, anomaly ${k.anomaly_acc.toFixed(3)}, ` +
            `overall ${k.overall_acc.toFixed(3)} vs highest stage ${
              k.baselines.highest_stage.toFixed(3)
            }; ` +
            `ECE ${k.ece.toFixed(3)}; auto-approve precision ${
              k.auto_approve.precision?.toFixed(3) ?? "—"
            } ` +
            `at coverage ${k.auto_approve.coverage.toFixed(3)}`,
        );
      }
      if (c) {
        console.log(
          `  crop: mean IoU ${c.mean_iou.toFixed(3)} (median box ${
            c.baselines.median_box.toFixed(3)
          })`,
        );
      }
    }
  } finally {
    // A folder the user named is theirs to keep.
    if (!values.keep && !values["work-dir"]) await Deno.remove(r.dir, { recursive: true });
  }
});
