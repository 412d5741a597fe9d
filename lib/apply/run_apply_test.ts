import assert from "node:assert/strict";
import { join } from "node:path";
import { makeApplyFixture } from "../../tests/fixtures/make_apply_fixture.ts";
import { diffInventories, inventoryTree, runApply } from "./mod.ts";

const KEEPER = ["plans", "journal", "file_operations_logs"];

Deno.test("runApply() plans (dry run), asks before committing, commits, rolls back and recovers", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-run-apply-" });
  try {
    const root = join(top, "sandbox");
    await makeApplyFixture(root, { groups: 4, cropShare: 0.5, seed: 5 });
    const before = inventoryTree(root, { exclude: KEEPER });
    const shown: string[] = [];
    const dry = await runApply(root, { runId: "dry1", onPlan: (p) => shown.push(p.run_id) });
    assert.equal(dry.mode, "plan");
    assert.ok(dry.mode === "plan" && dry.committed === null && !dry.declined);
    assert.ok(dry.mode === "plan" && dry.plan.steps.length > 0);
    assert.deepEqual(shown, ["dry1"]);
    assert.ok(Deno.statSync(join(root, "plans", "dry1.json")).isFile);

    const declined = await runApply(root, { runId: "no1", commit: true, confirm: () => false });
    assert.ok(declined.mode === "plan" && declined.declined && declined.committed === null);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);

    const done = await runApply(root, { runId: "c1", commit: true, confirm: () => true });
    assert.ok(done.mode === "plan" && done.committed !== null);
    assert.ok(done.mode === "plan" && done.committed!.files_moved > 0);
    assert.notEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })).length, 0);

    const back = await runApply(root, { rollback: "c1" });
    assert.ok(back.mode === "rollback" && back.summary.state === "rolled_back");
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);

    const rec = await runApply(root, { recover: "complete" });
    assert.deepEqual(rec, { mode: "recover", summaries: [] });
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("runApply() refuses a plan with errors after showing it, and moves nothing", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-run-apply-" });
  try {
    const root = join(top, "sandbox");
    await makeApplyFixture(root, { groups: 2, seed: 7 });
    const approved = join(root, "approved_decisions.jsonl");
    const first = (await Deno.readTextFile(approved)).trim().split("\n")[0]!;
    // The same group twice is an error under the default duplicates policy ("refuse").
    await Deno.writeTextFile(approved, `${first}\n${first}\n`, { append: true });
    const before = inventoryTree(root, { exclude: KEEPER });
    let shown = 0;
    await assert.rejects(
      () => runApply(root, { commit: true, onPlan: () => shown++ }),
      (e: unknown) => e instanceof Error && /^Cannot apply: \d+ problem\(s\)/.test(e.message),
    );
    assert.equal(shown, 1);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
