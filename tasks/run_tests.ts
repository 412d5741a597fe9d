/**
 * The project's test command (`deno task test`) and gate (`deno task ok`).
 *
 * Runs, in order: `deno fmt --check`, `deno lint`, `deno check`, `deno check --doc` (the
 * doc examples of every file not in tests/doc_examples_pending.txt), `deno test`
 * (unit and flow tests), then — unless `--gate-only` — browser tests and every
 * notebook executed headless through Jupyter. Each gate step counts as one
 * test; the last line is `N passed, N failed[, N skipped]`.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  defineTask,
  describeError,
  HelpShown,
  missingLine,
  missingRequirements,
  parseDenoTestSummary,
  parseFlags,
  TEST_REQUIREMENTS,
  type TestCounts,
} from "../lib/cli/mod.ts";

const SPEC = defineTask({
  task: "test",
  summary:
    "What CI runs: format, lint, type check, unit/flow tests, browser tests, demo, notebooks",
  flags: {
    "gate-only": { type: "boolean", description: "only the gate (what `deno task ok` runs)" },
    filter: { type: "string", arg: "<text>", description: "only tests whose name contains this" },
    "check-tools": {
      type: "boolean",
      description: "only check that chromium and Jupyter are there (exit 1 naming what is missing)",
    },
  },
  examples: ["deno task test", "deno task ok --filter trainRanker"],
});

let values: ReturnType<typeof parseFlags<typeof SPEC.flags>>["values"];
try {
  ({ values } = parseFlags(SPEC));
} catch (error) {
  if (error instanceof HelpShown) Deno.exit(0);
  console.error(`error: ${describeError(error, false)[0]}`);
  Deno.exit(2);
}

// A fresh machine without the browser or Jupyter stops here, at once, with one line
// naming the packages: never minutes later with a stack trace, never a silent skip.
if (!values["gate-only"] || values["check-tools"]) {
  const missing = missingRequirements(TEST_REQUIREMENTS);
  if (missing.length > 0) {
    console.error(`error: ${missingLine(missing)}`);
    Deno.exit(1);
  }
  if (values["check-tools"]) {
    console.log("chromium and Jupyter found");
    Deno.exit(0);
  }
}

const env: Record<string, string> = { NO_COLOR: "1" };
const totals: TestCounts = { passed: 0, failed: 0, skipped: 0 };

async function step(name: string, cmd: string[], extraEnv: Record<string, string> = {}) {
  console.log(`\n== ${name}: ${cmd.join(" ")}`);
  const child = new Deno.Command(cmd[0]!, {
    args: cmd.slice(1),
    env: { ...env, ...extraEnv },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let text = "";
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const status = await child.status;
  return { ok: status.success, text };
}

async function gate(name: string, cmd: string[]) {
  const { ok } = await step(name, cmd);
  if (ok) totals.passed++;
  else {
    totals.failed++;
    console.log(`FAILED: ${name}`);
  }
}

async function denoTests(name: string, args: string[]) {
  // Types are the typecheck gate's job: a type error in one file must not hide every test result.
  const { ok, text } = await step(name, ["deno", "test", "-A", "--no-check", ...args]);
  const counts = parseDenoTestSummary(text);
  if (counts === undefined) {
    // No summary means the run died (compile error, crash): count it as a failure.
    totals.failed++;
    console.log(`FAILED: ${name} (no summary line)`);
    return;
  }
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  if (!ok && counts.failed === 0) {
    totals.failed++;
    console.log(`FAILED: ${name} exited non-zero`);
  }
}

/**
 * Source files with a ```ts example in their doc comments, less those listed in
 * tests/doc_examples_pending.txt (examples that do not type-check yet), plus
 * README.md, ARCHITECTURE.md and docs/*.md where they hold a TypeScript block.
 */
function docExampleFiles(): string[] {
  const pending = new Set(
    Deno.readTextFileSync("tests/doc_examples_pending.txt").split("\n")
      .map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")),
  );
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== "static") walk(p);
      } else if (/\.tsx?$/.test(e.name) && !pending.has(p)) {
        if (Deno.readTextFileSync(p).includes("```ts")) out.push(p);
      }
    }
  };
  for (const dir of ["lib", "reviewer", "tasks"]) walk(dir);
  const docs = existsSync("docs")
    ? readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)
    : [];
  for (const p of ["README.md", "ARCHITECTURE.md", ...docs]) {
    if (existsSync(p) && !pending.has(p) && /```tsx?\n/.test(Deno.readTextFileSync(p))) out.push(p);
  }
  return out.sort();
}

Deno.env.delete("RUST_BACKTRACE");
await gate("format", ["deno", "fmt", "--check"]);
await gate("lint", ["deno", "lint"]);
await gate("typecheck", ["deno", "check", "."]);
await gate("doc examples typecheck", ["deno", "check", "--doc", ...docExampleFiles()]);
const filter = values.filter ? ["--filter", values.filter] : [];
await denoTests("unit and flow tests", ["--ignore=tests/browser", ...filter]);

if (!values["gate-only"]) {
  if (existsSync("tests/browser")) {
    await denoTests("browser tests", [...filter, "tests/browser"]);
  }
  const notebooks = existsSync("notebooks")
    ? readdirSync("notebooks").filter((f) => f.endsWith(".ipynb")).sort()
    : [];
  if (notebooks.length > 0) {
    await gate("notebook type check", ["deno", "task", "notebooks", "--check"]);
  }
  // The demo, end to end, exactly as README's first command runs it (without the server).
  await gate("demo --no-serve", ["deno", "task", "demo", "--no-serve"]);
  for (const nb of notebooks) {
    const out = await Deno.makeTempDir({ prefix: "keeper-nb-" });
    const { ok } = await step(`notebook ${nb}`, [
      "jupyter",
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=900",
      "--output-dir",
      out,
      join("notebooks", nb),
      // CI shows the demo the step above just made, whatever workspace this machine has.
    ], { JUPYTER_PATH: join(Deno.cwd(), "notebooks", "jupyter"), KEEPER_NOTEBOOKS: "demo" });
    if (ok) totals.passed++;
    else {
      totals.failed++;
      console.log(`FAILED: notebook ${nb}`);
    }
  }
}

console.log("");
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
Deno.exit(totals.failed > 0 ? 1 : 0);
