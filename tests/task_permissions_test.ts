/**
 * Least permissions (issue #16 item 14): every deno.json task is granted
 * exactly what docs/permissions.md lists (each flag with its reason, each
 * found necessary by running the task's real use without it), no task has a
 * bare --allow-run, --allow-net or --allow-sys, and what a task loads agrees
 * with its grants. The pure tasks' real use runs here with exactly their flags.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;

interface Row {
  task: string;
  flags: string[];
  why: string;
}

/** The table of docs/permissions.md. */
async function table(): Promise<Row[]> {
  const text = await Deno.readTextFile(`${ROOT}docs/permissions.md`);
  const rows: Row[] = [];
  for (const line of text.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4 || cells[0] === "task" || /^-+$/.test(cells[0]!)) continue;
    const flags = /^`([^`]*)`$/.exec(cells[1]!)?.[1]?.split(/\s+/) ?? [];
    rows.push({ task: cells[0]!, flags, why: cells[2]! });
  }
  return rows;
}

/** Each deno.json task: its `deno run` flags and entry module. */
async function tasks(): Promise<Map<string, { flags: string[]; entry: string }>> {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks as Record<
    string,
    { command: string }
  >;
  const out = new Map<string, { flags: string[]; entry: string }>();
  for (const [name, t] of Object.entries(json)) {
    const m = /^deno run ((?:--\S+ ?)*)(tasks\/\S+\.ts)(?: .*)?$/.exec(t.command);
    assert.ok(m !== null, `${name}: "${t.command}" is not "deno run <flags> tasks/<x>.ts"`);
    out.set(name, { flags: m[1]!.trim().split(/\s+/), entry: m[2]! });
  }
  return out;
}

interface Graph {
  /** Local source files (not node_modules). */
  files: string[];
  /** npm packages imported directly by them. */
  npm: string[];
}

async function graph(entries: string[]): Promise<Graph> {
  const files = new Set<string>();
  const npm = new Set<string>();
  for (const entry of entries) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: ROOT,
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const g = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules: { specifier: string; kind?: string; npmPackage?: string }[];
    };
    for (const m of g.modules) {
      if (m.kind === "npm" && m.npmPackage) npm.add(m.npmPackage.replace(/@[^@]+$/, ""));
      else if (m.specifier.startsWith("file://") && !m.specifier.includes("/node_modules/")) {
        files.add(new URL(m.specifier).pathname);
      }
    }
  }
  return { files: [...files].sort(), npm: [...npm].sort() };
}

/** Benchmarks are imported at run time (lib/bench discover): their modules belong to `bench`. */
async function benchEntries(): Promise<string[]> {
  const out: string[] = [];
  for await (const area of Deno.readDir(`${ROOT}tests/bench`)) {
    const f = `tests/bench/${area.name}/_bench.ts`;
    if (area.isDirectory && (await Deno.stat(join(ROOT, f)).catch(() => null)) !== null) {
      out.push(f);
    }
  }
  return out.sort();
}

/** Programs started through a non-literal first argument, per task and file. */
const DYNAMIC_SPAWNS: Record<string, string[]> = {
  // step(name, cmd) runs cmd[0]: the gate's ["deno", …]; without --gate-only also
  // ["jupyter", "nbconvert", …] for each notebook.
  "ok:tasks/run_tests.ts": ["deno"],
  "test:tasks/run_tests.ts": ["deno", "jupyter"],
};

function programs(
  task: string,
  files: string[],
  texts: Map<string, string>,
): { names: Set<string>; bad: string[] } {
  const names = new Set<string>();
  const bad: string[] = [];
  for (const f of files) {
    const text = texts.get(f)!;
    const rel = f.slice(ROOT.length);
    if (/from "node:child_process"|Deno\.run\s*\(/.test(text)) bad.push(`${rel}: child_process`);
    for (const m of text.matchAll(/new Deno\.Command\(\s*([^,)]+)/g)) {
      const arg = m[1]!.trim();
      const lit = /^"([\w.-]+)"$/.exec(arg);
      if (lit) names.add(lit[1]!);
      else if (DYNAMIC_SPAWNS[`${task}:${rel}`]) {
        DYNAMIC_SPAWNS[`${task}:${rel}`]!.forEach((p) => names.add(p));
      } else bad.push(`${rel}: Deno.Command(${arg}) (a path needs the resolved binary granted)`);
    }
  }
  return { names, bad };
}

Deno.test("deno.json grants every task exactly the permissions docs/permissions.md lists, each with its reason", async () => {
  const rows = await table();
  const byTask = new Map(rows.map((r) => [r.task, r]));
  const all = await tasks();
  assert.deepEqual([...byTask.keys()].sort(), [...all.keys()].sort(), "one row per task");
  for (const [name, t] of all) {
    const row = byTask.get(name)!;
    assert.deepEqual(t.flags, row.flags, `${name}: deno.json and docs/permissions.md differ`);
    for (const f of t.flags) {
      assert.match(f, /^--allow-(read|write|env|ffi|run|net|sys)(=[\w.,-]+)?$/, `${name}: ${f}`);
      const kind = /^--allow-(\w+)/.exec(f)![1]!;
      assert.ok(row.why.includes(kind), `${name}: no reason given for ${f}`);
    }
    // Never the whole machine: programs by name, the loopback address, one sys call.
    assert.ok(!t.flags.includes("--allow-run"), `${name}: bare --allow-run`);
    assert.ok(!t.flags.includes("--allow-net"), `${name}: bare --allow-net`);
    assert.ok(!t.flags.includes("--allow-sys"), `${name}: bare --allow-sys`);
    assert.ok(!t.flags.includes("--allow-all") && !t.flags.includes("-A"), `${name}: -A`);
    for (const f of t.flags.filter((x) => x.startsWith("--allow-net="))) {
      assert.equal(f, "--allow-net=127.0.0.1", `${name}: serves beyond the loopback address`);
    }
  }
});

Deno.test("what each task loads agrees with its grants: processes, native add-ons, sockets, sys calls", async () => {
  const all = await tasks();
  const bench = await benchEntries();
  const texts = new Map<string, string>();
  const problems: string[] = [];
  for (const [name, t] of all) {
    const g = await graph(name === "bench" ? [t.entry, ...bench] : [t.entry]);
    for (const f of g.files) if (!texts.has(f)) texts.set(f, await Deno.readTextFile(f));
    const run = t.flags.find((f) => f.startsWith("--allow-run="));
    const granted = new Set(run === undefined ? [] : run.slice("--allow-run=".length).split(","));
    const { names, bad } = programs(name, g.files, texts);
    problems.push(...bad.map((b) => `${name}: ${b}`));
    for (const p of names) {
      if (!granted.has(p)) problems.push(`${name}: starts "${p}" (not granted)`);
    }
    for (const p of granted) if (!names.has(p)) problems.push(`${name}: --allow-run=${p} unused`);

    const native = g.npm.filter((p) => /^(sharp|sharp-phash|onnxruntime-node)$/.test(p));
    if (!t.flags.includes("--allow-ffi") && native.length > 0) {
      problems.push(`${name}: loads ${native.join(", ")} without --allow-ffi`);
    }
    const sockets = g.files.filter((f) => /Deno\.(serve|listen|connect)\s*\(/.test(texts.get(f)!));
    if (!t.flags.some((f) => f.startsWith("--allow-net=")) && sockets.length > 0) {
      problems.push(
        `${name}: opens sockets (${sockets[0]!.slice(ROOT.length)}) without --allow-net`,
      );
    }
    const sys = g.files.some((f) => /Deno\.loadavg\s*\(/.test(texts.get(f)!));
    if (sys !== t.flags.includes("--allow-sys=loadavg")) {
      problems.push(
        `${name}: Deno.loadavg ${sys ? "used without" : "not used, yet"} --allow-sys=loadavg`,
      );
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("setup, ingest and analyze do their real work with exactly their deno.json flags", async () => {
  const all = await tasks();
  const dir = await Deno.makeTempDir({ prefix: "keeper-perms-" });
  try {
    const logs = join(dir, "logs");
    const projects = join(dir, "projects");
    await Deno.mkdir(logs);
    await Deno.mkdir(projects);
    await Deno.writeTextFile(
      join(projects, "mojo1.project.json"),
      JSON.stringify({ projectId: "mojo1" }),
    );
    const p = "PROJECT_ROOT/training data/mojo1/a_20250727_224840";
    await Deno.writeTextFile(
      join(logs, "selection_log.csv"),
      "session_id,set_id,chosen_path,neg_paths,timestamp\n" +
        `s1,1,${p}_stage2_upscaled.png,"[""${p}_stage1_generated.png""]",20250727_224840\n`,
    );
    const data = join(dir, "ingested");
    const run = async (task: string, args: string[], cwd = ROOT) => {
      const t = all.get(task)!;
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-prompt",
          "--config",
          `${ROOT}deno.json`,
          ...t.flags,
          join(ROOT, t.entry),
          ...args,
        ],
        cwd,
        env: { NO_COLOR: "1", KEEPER_WORKSPACE: join(dir, "ws.json") },
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.ok(out.success, `${task}: ${text}`);
      return text;
    };
    // setup writes the file $KEEPER_WORKSPACE names (read through --allow-env=KEEPER_WORKSPACE).
    await run("setup", ["--logs", logs, "--manifests", projects, "--ingested", data], dir);
    const ws = JSON.parse(await Deno.readTextFile(join(dir, "ws.json")));
    assert.ok(String(ws.logs).endsWith("logs"), JSON.stringify(ws));
    // ingest and analyze default to that workspace's paths.
    await run("ingest", ["--json"]);
    const sets = (await Deno.readTextFile(join(data, "selections.jsonl"))).trim().split("\n");
    assert.equal(sets.length, 1);
    const analyzed = JSON.parse((await run("analyze", ["--json"])).trim().split("\n").at(-1)!);
    assert.ok(JSON.stringify(analyzed).includes("mojo1"), JSON.stringify(analyzed));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
