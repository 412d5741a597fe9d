/**
 * Fresh machine (issue 17, item 10): without Jupyter or a browser, the README
 * test command stops at once with one line naming the Debian packages and the
 * install command (no stack trace, nothing run, never a silent skip).
 * PATH is cut down to a folder holding only `deno`; `KEEPER_CHROMIUM` points
 * the browser lookup at the real executable where a case needs it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findChromium } from "../lib/cli/mod.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TESTS = join(ROOT, "tasks", "run_tests.ts");

async function runTests(pathDir: string, env: Record<string, string>, args: string[] = []) {
  const t0 = performance.now();
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", TESTS, ...args],
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: pathDir,
      HOME: Deno.env.get("HOME") ?? "/tmp",
      // Deno's own cache, where CI keeps it elsewhere (the test is about PATH, not Deno's cache).
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    signal: AbortSignal.timeout(120_000),
  }).output();
  const dec = new TextDecoder();
  return {
    code: r.code,
    out: dec.decode(r.stdout),
    err: dec.decode(r.stderr),
    seconds: (performance.now() - t0) / 1000,
  };
}

async function denoOnlyPath(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "keeper-fresh-path-" });
  await Deno.symlink(Deno.execPath(), join(dir, "deno"));
  return dir;
}

Deno.test("deno task test without Jupyter or chromium stops at once with one line naming the packages", async () => {
  const dir = await denoOnlyPath();
  try {
    const r = await runTests(dir, {});
    assert.equal(r.code, 1, r.out + r.err);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, `expected one line, got:\n${r.err}`);
    const line = lines[0]!;
    assert.match(line, /^error: Cannot run the tests: chromium \(browser tests\), jupyter/);
    assert.match(line, /sudo apt-get install -y chromium jupyter-client/);
    assert.match(line, /jupyter-nbconvert/);
    assert.doesNotMatch(r.err, /^\s+at /m); // no stack trace
    assert.doesNotMatch(r.out, /== format/); // nothing ran
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task test with a browser but without Jupyter names only the Jupyter packages", async () => {
  const chromium = findChromium();
  assert.ok(chromium !== null, "this machine needs chromium for the test suite");
  const dir = await denoOnlyPath();
  try {
    const r = await runTests(dir, { KEEPER_CHROMIUM: chromium });
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.doesNotMatch(r.err, /chromium/);
    assert.match(r.err, /jupyter \(notebooks\), jupyter-nbconvert \(notebooks\) not found/);
    assert.match(r.err, /apt-get install -y jupyter-client python3-ipykernel jupyter-nbconvert/);
    // With everything there, the same check passes (the tools this suite runs on).
    const ok = await runTests(Deno.env.get("PATH") ?? "", {}, ["--check-tools"]);
    assert.equal(ok.code, 0, ok.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
