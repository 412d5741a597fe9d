/**
 * `deno task experiment --sim-seed <n> [--scale <s>] [--seed <n>] [--repeat N] [--projects N] [--groups N]
 * [--heldout N] [--features builtin,embedding,layout] [--model <encoder.onnx>] [--keep] [--work-dir <dir>] [--json]`
 *
 * `deno task experiment --scenario embeddings-only --encoder <clip.onnx> [sizes] [--json]`: the
 * simulated history written as the original's CLIP cache, rejected files deleted; the ranker
 * trained on that embeddings-only history against the same ranker with pixels, same test sets.
 *
 * simulate → ingest → embed → train → evaluate in a fresh temp folder; prints
 * evaluate's JSON with `--json`. `--repeat N` trains and evaluates with split seeds
 * seed … seed+N−1 on the same simulation and prints every metric's mean with
 * `_min` / `_max` siblings (e.g. `ranker.anomaly_acc_min`).
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { formatEceFloor } from "../lib/eval/mod.ts";
import {
  type EmbeddingScenarioResult,
  type EvaluateResult,
  runExperimentRequest,
} from "../lib/pipeline/mod.ts";

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
    repeat: {
      type: "string",
      arg: "<n>",
      description: "train and evaluate with split seeds seed … seed+n−1; report mean, min, max",
      default: "1",
    },
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
    "anomaly-rate": {
      type: "string",
      arg: "<a,b,c>",
      description: "simulated anomaly rate per project",
      defaultText: "simulate's",
    },
    creator: {
      type: "string",
      arg: "<photo|subject>",
      description:
        "simulated creator: photo (characters cut from photos) or subject (drawn/painted/3-D " +
        "characters from data/art placed anywhere, crops that follow the subject)",
      default: "photo",
    },
    "taste-free": {
      type: "string",
      arg: "<n,…>",
      description: "simulated projects (1-based) without the taste rule",
    },
    features: {
      type: "string",
      arg: "<a,b>",
      description: "feature blocks",
      defaultText: "builtin,layout,signature (+embedding with --encoder)",
    },
    encoder: SHARED_FLAGS.encoder,
    scenario: {
      type: "string",
      arg: "<name>",
      description:
        "embeddings-only: history as the original's CLIP cache with rejected files deleted, " +
        "vs the same ranker with pixels (needs --encoder)",
    },
    epochs: { type: "string", arg: "<n>", description: "training epochs (scenario)" },
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
  const sizes = {
    ...(values.projects ? { projects: num("projects", values.projects)! } : {}),
    ...(values.groups ? { groups: num("groups", values.groups)! } : {}),
    ...(values.heldout ? { heldout: num("heldout", values.heldout)! } : {}),
    ...(values["anomaly-rate"]
      ? { anomalyRate: values["anomaly-rate"].split(",").map((v) => num("anomaly-rate", v)!) }
      : {}),
    ...(values.creator !== "photo" ? { creator: values.creator as "photo" | "subject" } : {}),
    ...(values["taste-free"]
      ? { tasteFree: values["taste-free"].split(",").map((v) => integer("taste-free", v)) }
      : {}),
  };
  const t0 = performance.now();
  if (values.scenario !== undefined) {
    if (values.scenario !== "embeddings-only") {
      throw new RangeError(
        `Cannot run experiment: --scenario "${values.scenario}" (valid: embeddings-only)`,
      );
    }
    if (!values.encoder) {
      throw new TypeError(
        "Cannot run experiment: --scenario embeddings-only needs --encoder <clip.onnx> " +
          "(a test encoder: deno run -A tests/fixtures/make_test_encoder.ts enc.onnx)",
      );
    }
    const { result: r } = await runExperimentRequest({
      scenario: "embeddings-only",
      options: {
        model: { path: values.encoder },
        simSeed: num("sim-seed", values["sim-seed"])!,
        scale: num("scale", values.scale)!,
        seed: integer("seed", values.seed),
        ...(values.features ? { features: values.features.split(",") } : {}),
        ...(values.epochs ? { epochs: integer("epochs", values.epochs) } : {}),
        ...sizes,
        ...(values["work-dir"] ? { workDir: values["work-dir"] } : {}),
        keep: values.keep === true,
        onStep: (s) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}`),
      },
    });
    if (values.json) console.log(JSON.stringify(r));
    else printScenario(r);
    return;
  }
  const repeat = integer("repeat", values.repeat);
  const { dir, runs, json } = await runExperimentRequest({
    scenario: null,
    options: {
      simSeed: num("sim-seed", values["sim-seed"])!,
      scale: num("scale", values.scale)!,
      seed: integer("seed", values.seed),
      repeat,
      ...(values.features !== undefined ? { features: values.features.split(",") } : {}),
      ...sizes,
      ...(values.encoder ? { model: { path: values.encoder } } : {}),
      ...(values["work-dir"] ? { workDir: values["work-dir"] } : {}),
      keep: values.keep === true,
      onStep: (s) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}`),
    },
  });
  if (values.json) console.log(JSON.stringify(json));
  else if (repeat === 1) {
    printSummary(`experiment in ${dir}`, runs[0]!.evaluation, runs[0]!.seconds);
  } else {
    for (const r of runs) printSummary(`seed ${r.seed}`, r.evaluation, r.seconds);
    printRange(json);
  }
});

function printSummary(title: string, e: EvaluateResult, seconds: Record<string, number>): void {
  const k = e.ranker, c = e.crop;
  console.log(
    `${title} (${Object.entries(seconds).map(([k, v]) => `${k} ${v.toFixed(0)}s`).join(", ")})`,
  );
  if (k) {
    console.log(
      `  ranker: normal ${k.normal_acc.toFixed(3)}, anomaly ${k.anomaly_acc.toFixed(3)}, ` +
        `overall ${k.overall_acc.toFixed(3)} vs highest stage ${
          k.baselines.highest_stage.toFixed(3)
        }; ` +
        `ECE ${k.ece.toFixed(3)}${formatEceFloor(k)}; auto-approve precision ${
          k.auto_approve.precision?.toFixed(3) ?? "—"
        } ` +
        `at coverage ${k.auto_approve.coverage.toFixed(3)}`,
    );
  }
  if (c) {
    console.log(
      `  crop: mean IoU ${c.mean_iou.toFixed(3)} (median box ${c.baselines.median_box.toFixed(3)})`,
    );
  }
}

/** "name mean [min, max]" for the headline metrics of a repeated experiment. */
function printRange(m: Record<string, unknown>): void {
  const get = (path: string): number | null => {
    let v: unknown = m;
    for (const p of path.split(".")) v = (v as Record<string, unknown> | undefined)?.[p];
    return typeof v === "number" ? v : null;
  };
  const line = (label: string, path: string) => {
    const [head, key] = [
      path.slice(0, path.lastIndexOf(".")),
      path.slice(path.lastIndexOf(".") + 1),
    ];
    const mean = get(path), lo = get(`${head}.${key}_min`), hi = get(`${head}.${key}_max`);
    if (mean === null) return;
    console.log(`  ${label} ${mean.toFixed(3)} [${lo?.toFixed(3)}, ${hi?.toFixed(3)}]`);
  };
  console.log("mean [min, max] over seeds:");
  line("normal", "ranker.normal_acc");
  line("anomaly", "ranker.anomaly_acc");
  line("ECE", "ranker.ece");
  line("ECE a perfectly calibrated ranker shows here (median)", "ranker.ece_floor");
  line("auto-approve precision", "ranker.auto_approve.precision");
  line("auto-approve coverage", "ranker.auto_approve.coverage");
  line("crop mean IoU", "crop.mean_iou");
}

/** Both arms of the embeddings-only scenario, side by side. */
function printScenario(r: EmbeddingScenarioResult): void {
  console.log(
    `embeddings-only scenario in ${r.dir}: ${r.cache.vectors} vectors for ${r.cache.sets} logged ` +
      `sets, ${r.import.imported} imported, ${r.cache.deleted} rejected files deleted`,
  );
  for (
    const [label, a] of [["with pixels", r.pixels], ["embeddings only", r.embeddings_only]] as const
  ) {
    const v = a.views;
    console.log(
      `  ${label}: trained on ${a.train_sets} sets (every member embedded ${
        v?.every_member_embedded ?? 0
      }, with pixels ${v?.every_member_pixels ?? 0}, both ${v?.both ?? 0}); on ${a.test_sets} ` +
        `test sets: overall ${a.overall_acc.toFixed(3)}, normal ${a.normal_acc.toFixed(3)} ` +
        `(${a.n_normal}), anomaly ${a.anomaly_acc.toFixed(3)} (${a.n_anomaly}); highest stage ` +
        `${a.highest_stage.toFixed(3)}; ECE ${a.ece.toFixed(3)}`,
    );
  }
}
