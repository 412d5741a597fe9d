/**
 * `deno task bench [--only <name>] [--quick] [--json]`: every benchmark of the
 * project. With `--json` the last stdout line is one object keyed by benchmark name.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runTask } from "../lib/cli/mod.ts";
import { type BenchFigures, discoverBenchmarks } from "../lib/bench/mod.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      only: { type: "string", multiple: true },
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
  });
  const all = await discoverBenchmarks(fileURLToPath(new URL("../tests/bench", import.meta.url)));
  const wanted = values.only?.flatMap((o) => o.split(","));
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
