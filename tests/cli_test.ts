/**
 * One CLI vocabulary (issue 17, item 5): every task in deno.json answers
 * `--help` (synopsis, every flag with its default, an example) with its real
 * permissions, and rejects an unknown flag in one line with a suggestion.
 * Also: `setup` records a workspace that the everyday commands then use.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))) as {
  tasks: Record<string, { command: string }>;
};

async function task(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  }));
  return out;
}

const TASKS = Object.keys(config.tasks).filter((t) =>
  /tasks\/\w+\.ts/.test(config.tasks[t]!.command)
);

Deno.test("every task answers --help with a synopsis, every flag's default and an example", async () => {
  assert.ok(TASKS.length >= 19, `found only ${TASKS.length} tasks`);
  const results = await pool(
    TASKS,
    3,
    async (name) => ({ name, ...(await task(name, ["--help"])) }),
  );
  for (const r of results) {
    assert.equal(r.code, 0, `${r.name} --help exited ${r.code}: ${r.err}`);
    assert.match(r.out, /^usage: deno task \S+ \[flags\]/m, `${r.name}: no synopsis`);
    assert.match(r.out, /^examples?:\n {2}deno task /m, `${r.name}: no example`);
    const flagLines = r.out.split("\n").filter((l) => /^ {2}--/.test(l));
    assert.ok(flagLines.length >= 2, `${r.name}: no flags listed`);
    // Every flag but --help states its default or that it is required (wrapped rows: next line).
    const text = r.out.replace(/\n {4,}/g, " ");
    for (
      const line of text.split("\n").filter((l) => /^ {2}--/.test(l) && !/^ {2}--help/.test(l))
    ) {
      assert.match(line, /\[(default: [^\]]+|required)\]/, `${r.name}: no default on "${line}"`);
    }
  }
});

Deno.test("every task rejects an unknown flag in one line, suggesting the near miss", async () => {
  const results = await pool(
    TASKS,
    3,
    async (name) => ({ name, ...(await task(name, ["--verbos"])) }),
  );
  for (const r of results) {
    assert.notEqual(r.code, 0, `${r.name} accepted --verbos`);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, `${r.name}: expected one line, got:\n${r.err}`);
    assert.match(lines[0]!, /unknown flag --verbos \(did you mean --verbose\?\)/, r.name);
  }
  const r = await task("train", ["--modls", "x"]);
  assert.match(r.err, /did you mean --models\?/);
});

Deno.test("old flag names keep working as aliases of the shared names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-cli-" });
  try {
    // analyze's old --in and the new --data name the same ingested store.
    const empty = join(dir, "ingested");
    await Deno.mkdir(empty);
    const a = await task("analyze", ["--in", empty, "--json"]);
    const b = await task("analyze", ["--data", empty, "--json"]);
    assert.equal(a.code, b.code, a.err + b.err);
    assert.equal(a.out, b.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setup records a workspace; review and report then default to its sandbox", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-ws-" });
  try {
    const ws = join(dir, "keeper.workspace.json");
    await Deno.mkdir(join(dir, "logs"));
    await Deno.mkdir(join(dir, "images"));
    const env = { KEEPER_WORKSPACE: ws };
    const s = await task("setup", [
      "--logs",
      join(dir, "logs"),
      "--images",
      join(dir, "images"),
      "--sandbox",
      join(dir, "sb"),
    ], env);
    assert.equal(s.code, 0, s.err);
    const saved = JSON.parse(await Deno.readTextFile(ws));
    assert.deepEqual(saved.images, ["images"]);
    assert.equal(saved.sandbox, "sb");
    const h = await task("report", ["--help"], env);
    assert.ok(h.out.includes(join(dir, "sb", "approved_decisions.jsonl")), h.out);
    const bad = await task("setup", ["--logs", join(dir, "nope")], env);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /logs .*nope.* is not there/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
