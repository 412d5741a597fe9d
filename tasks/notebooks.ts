/**
 * `deno task notebooks [--check] [--execute] [name…]`: type-check notebook
 * code cells (`--check`) or execute notebooks in place so committed copies
 * keep their outputs (`--execute`, needs Jupyter).
 *
 * @module
 */
import { join } from "node:path";
import { defineTask, parseFlags, runTask } from "../lib/cli/mod.ts";
import { type NotebookJson, notebookToModule } from "../lib/notebook/mod.ts";

const SPEC = defineTask({
  task: "notebooks",
  summary: "Type-check (--check) or execute in place (--execute) the notebooks",
  flags: {
    check: { type: "boolean", description: "type-check the code cells" },
    execute: { type: "boolean", description: "execute in place through Jupyter (keeps outputs)" },
  },
  positionals: "[name.ipynb …]",
  examples: ["deno task notebooks --check", "deno task notebooks --execute exploration.ipynb"],
});

await runTask(async () => {
  const { values, positionals } = parseFlags(SPEC);
  const dir = "notebooks";
  const all = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
    .sort();
  const names = positionals.length > 0 ? positionals : all;
  let failed = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (values.check) {
      const nb = JSON.parse(await Deno.readTextFile(path)) as NotebookJson;
      const tmp = join(dir, `.check_${name.replace(/\W/g, "_")}.ts`);
      await Deno.writeTextFile(tmp, notebookToModule(nb));
      try {
        const out = await new Deno.Command("deno", { args: ["check", tmp] }).output();
        if (!out.success) {
          failed++;
          console.error(`type check failed: ${path}\n${new TextDecoder().decode(out.stderr)}`);
        } else console.log(`checked ${path}`);
      } finally {
        await Deno.remove(tmp);
      }
    }
    if (values.execute) {
      const out = await new Deno.Command("jupyter", {
        args: [
          "nbconvert",
          "--to",
          "notebook",
          "--execute",
          "--inplace",
          "--ExecutePreprocessor.timeout=900",
          path,
        ],
        env: { JUPYTER_PATH: join(Deno.cwd(), dir, "jupyter") },
      }).output();
      if (!out.success) {
        failed++;
        console.error(`execution failed: ${path}\n${new TextDecoder().decode(out.stderr)}`);
      } else console.log(`executed ${path}`);
    }
  }
  return failed > 0 ? 1 : 0;
});
