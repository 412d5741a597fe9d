/**
 * `deno task report` as a person runs it (issue 17, item 8): it starts with
 * its own permissions, writes standalone SVG documents that report.md shows,
 * and with nothing reviewed fails in one line saying what to do.
 * Fixtures: tests/fixtures/report/ (three decisions from `deno task demo`,
 * reviewed: two approvals and one override over two days).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = join(ROOT, "tests", "fixtures", "report");

async function report(args: string[]) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "report", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("deno task report writes standalone SVG charts that report.md shows", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-report-" });
  try {
    const box = join(dir, "sandbox");
    await Deno.mkdir(box);
    for (const f of ["automation_decisions.jsonl", "approved_decisions.jsonl"]) {
      await Deno.copyFile(join(FIXTURES, f), join(box, f));
    }
    const out = join(dir, "report");
    const r = await report(["--sandbox", box, "--out", out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /3 groups reviewed: 66\.7% approved, 33\.3% overridden/);
    const md = await Deno.readTextFile(join(out, "report.md"));
    const shown = [...md.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => m[1]!);
    assert.deepEqual(shown.sort(), ["rates_by_day.svg", "seconds_by_project.svg"]);
    for (const name of shown) {
      const svg = await Deno.readTextFile(join(out, name));
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, name);
      assert.doesNotMatch(svg, /<(figure|div|h2|span)\b/, name);
    }
    assert.doesNotMatch(r.err, /Warning/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task report with nothing reviewed fails in one line naming the file and the next step", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-report-" });
  try {
    const r = await report(["--sandbox", dir, "--out", join(dir, "report")]);
    assert.equal(r.code, 1);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0]!, /Cannot report: no reviewed group in ".*approved_decisions\.jsonl"/);
    assert.match(lines[0]!, /deno task review --sandbox /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
