/**
 * `deno task bench [--only <name>] [--quick] [--json]`: every benchmark of the
 * project. With `--json` the last stdout line is one object keyed by benchmark name.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { type BenchFigures, discoverBenchmarks } from "../lib/bench/mod.ts";

const SPEC = defineTask({
  task: "bench",
  summary: "Every benchmark of the project, side by side",
  flags: {
    only: {
      type: "string",
      multiple: true,
      arg: "<name>",
      description: "run only these (repeat or a,b)",
      defaultText: "all",
    },
    quick: { type: "boolean", description: "smaller sizes" },
    json: { ...SHARED_FLAGS.json, description: "last stdout line: one object keyed by benchmark" },
  },
  examples: ["deno task bench --only phash --json"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const all = await discoverBenchmarks(fileURLToPath(new URL("../tests/bench", import.meta.url)));
  const wanted = (values.only.length > 0 ? values.only : undefined)?.flatMap((o) => o.split(","));
  const chosen = wanted ? all.filter((b) => wanted.includes(b.name)) : all;
  if (wanted && chosen.length !== wanted.length) {
    const known = all.map((b) => b.name).join(", ");
    throw new RangeError(`Cannot run benchmark "${wanted.join(",")}": known are ${known}`);
  }
  const results: Record<string, BenchFigures> = {};
  for (const bench of chosen) {
    const tmpDir = await Deno.makeTempDir({ prefix: `keeper-bench-${bench.name}-` });
    console.error(`bench ${bench.name}: ${bench.description}`);
    try {
      results[bench.name] = await bench.run({
        tmpDir,
        quick: values.quick,
        log: (line) => console.error(`  ${line}`),
      });
    } finally {
      await Deno.remove(tmpDir, { recursive: true });
    }
    if (!values.json) console.log(`${bench.name}: ${JSON.stringify(results[bench.name])}`);
  }
  if (values.json) console.log(JSON.stringify(results));
});
