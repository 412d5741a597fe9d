import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runReport } from "./mod.ts";

const FIXTURES = fileURLToPath(new URL("../../tests/fixtures/report", import.meta.url));
const APPROVED = join(FIXTURES, "approved_decisions.jsonl");
const DECISIONS = join(FIXTURES, "automation_decisions.jsonl");

Deno.test("runReport() writes report.md, report.json and the charts with the given baseline", async () => {
  const out = await Deno.makeTempDir({ prefix: "keeper-run-report-" });
  try {
    const warnings: string[] = [];
    const r = await runReport(APPROVED, DECISIONS, {
      manualSecondsPerGroup: "30",
      out,
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(r.metrics.groups, 3);
    assert.equal(r.baseline, 30);
    assert.equal(r.baselineSource, "given with --manual-seconds-per-group");
    assert.deepEqual(warnings, []);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(join(out, "report.json"))), r.metrics);
    const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
    assert.deepEqual(files, [
      "rates_by_day.svg",
      "report.json",
      "report.md",
      "seconds_by_project.svg",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("runReport() without timesheets warns and leaves time saved unknown; bad input throws", async () => {
  const out = await Deno.makeTempDir({ prefix: "keeper-run-report-" });
  try {
    const warnings: string[] = [];
    const r = await runReport(APPROVED, DECISIONS, {
      manifests: join(out, "no-manifests"),
      out,
      onWarning: (w) => warnings.push(w),
    });
    assert.equal(r.baseline, null);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /manual baseline unknown .*no-manifests/);
    await assert.rejects(
      () => runReport(APPROVED, DECISIONS, { manualSecondsPerGroup: "-1", out }),
      (e: unknown) => e instanceof RangeError && /"-1": expected a positive number/.test(e.message),
    );
    await assert.rejects(
      () => runReport(join(out, "none.jsonl"), DECISIONS, { sandbox: "sb", out }),
      (e: unknown) =>
        e instanceof RangeError &&
        /no reviewed group .*deno task review --sandbox sb/.test(e.message),
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
