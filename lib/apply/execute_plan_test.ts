import assert from "node:assert/strict";
import { join } from "node:path";
import { probe } from "../image/mod.ts";
import { parseJournal } from "./_journal.ts";
import { sha256File } from "./_ops.ts";
import {
  diffInventories,
  executePlan,
  inventoryTree,
  planApply,
  recover,
  rollback,
} from "./mod.ts";
import { makeApplyFixture } from "../../tests/fixtures/make_apply_fixture.ts";

const KEEPER = ["plans", "journal", "file_operations_logs"];

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) Deno.removeSync(dir, { recursive: true });
});

async function sandbox(groups = 6, seed = 9): Promise<string> {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-exec-" });
  made.push(top);
  const root = join(top, "sandbox");
  await makeApplyFixture(root, { groups, rejectShare: 0.2, cropShare: 0.5, seed });
  return root;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("executePlan() moves each pick with all its companions, crops to new files, keeps originals", async () => {
  const root = await sandbox();
  const before = inventoryTree(root, { exclude: KEEPER });
  const plan = await planApply(root);
  const summary = await executePlan(plan);
  assert.equal(summary.state, "committed");
  assert.equal(summary.groups_applied, plan.totals.groups_applied);
  assert.equal(summary.crops_written, plan.totals.crops);
  assert.ok(summary.crops_written > 0);
  assert.match(summary.rollback_command, new RegExp(`--rollback ${plan.run_id}$`));
  for (const g of plan.groups) {
    if (g.outcome !== "apply") continue;
    const name = g.final!.split("/").pop()!;
    const stem = name.replace(/\.png$/, "");
    // <folder>/<project>/: the fixture's batch is flat (no character folder).
    const home = g.crop ? "__uncropped/fixture" : "__selected/fixture";
    // The original pick, byte-identical, beside every companion.
    assert.equal(sha256File(join(root, home, name)), before.files.get(g.final!));
    for (const ext of [".yaml", ".caption"]) assert.ok(exists(join(root, home, stem + ext)));
    assert.ok(!exists(join(root, g.final!)));
    if (g.crop) {
      const crop = join(root, "__cropped", "fixture", name);
      const size = await probe(crop);
      assert.deepEqual([size.width, size.height], [6, 6]); // [0, 0, 0.75, 0.75] of 8 × 8
      for (const ext of [".yaml", ".caption"]) {
        assert.equal(
          sha256File(join(root, "__cropped", "fixture", stem + ext)),
          sha256File(join(root, home, stem + ext)),
        );
      }
    }
  }
  for (const g of plan.groups.filter((x) => x.outcome === "unchanged")) {
    assert.equal(g.steps, 0);
  }
  // Every original file is still there exactly once (copies and crops aside).
  const after = inventoryTree(root, { exclude: KEEPER });
  const shas = [...after.files.entries()].filter(([p]) => !p.startsWith("__cropped/"))
    .map(([, sha]) => sha).sort();
  assert.deepEqual(shas, [...before.files.values()].sort());
});

Deno.test("rollback() restores the tree byte-identically after crops; a second rollback does nothing", async () => {
  const root = await sandbox();
  const before = inventoryTree(root, { exclude: KEEPER });
  const plan = await planApply(root);
  await executePlan(plan);
  assert.notDeepEqual(inventoryTree(root, { exclude: KEEPER }), before);
  const back = await rollback(root, plan.run_id);
  assert.equal(back.state, "rolled_back");
  assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
  const again = await rollback(root, plan.run_id);
  assert.equal(again.state, "nothing");
});

Deno.test("executePlan() on a finished run does nothing; planApply() then skips applied groups", async () => {
  const root = await sandbox();
  const plan = await planApply(root);
  await executePlan(plan);
  const snapshot = inventoryTree(root, { exclude: KEEPER });
  const again = await executePlan(plan);
  assert.equal(again.state, "nothing");
  assert.equal(again.steps_done, 0);
  const next = await planApply(root);
  assert.equal(next.steps.length, 0);
  assert.equal(next.totals.groups_already_applied, plan.totals.groups_applied);
  assert.deepEqual(inventoryTree(root, { exclude: KEEPER }), snapshot);
});

Deno.test("executePlan() writes a FileTracker-compatible audit log", async () => {
  const root = await sandbox(3);
  const plan = await planApply(root);
  await executePlan(plan);
  const lines = Deno.readTextFileSync(join(root, "file_operations_logs", "file_operations.log"))
    .trim().split("\n").map((l) => JSON.parse(l));
  const ops = lines.filter((l) => l.type === "file_operation");
  assert.ok(ops.length > 0);
  for (const op of ops) {
    for (
      const key of ["script", "session_id", "timestamp", "operation", "source_dir", "dest_dir"]
    ) {
      assert.ok(key in op, `${key} missing in ${JSON.stringify(op)}`);
    }
    assert.equal(op.session_id, plan.run_id);
    assert.ok(Array.isArray(op.files) || Array.isArray(op.files_sample));
    assert.equal(
      op.file_count,
      (op.files ?? []).filter((f: string) => f.endsWith(".png")).length,
    );
  }
  const moved = ops.filter((o) => o.operation === "move")
    .reduce((n, o) => n + (o.files?.length ?? 0), 0);
  assert.equal(moved, plan.totals.moves);
  assert.deepEqual(lines.map((l) => l.type).filter((t) => t !== "file_operation"), [
    "session_start",
    "session_end",
  ]);
});

for (const mode of ["complete", "undo"] as const) {
  Deno.test(`recover(${mode}) leaves a consistent tree after a crash in the middle of a batch`, async () => {
    const root = await sandbox(8, 21);
    const before = inventoryTree(root, { exclude: KEEPER });
    const plan = await planApply(root);
    let n = 0;
    await assert.rejects(
      () =>
        executePlan(plan, {
          batchSteps: 8,
          hook: (point) => {
            if (++n === 40) throw new Error(`crash at ${point}`);
          },
        }),
      /crash at/,
    );
    await assert.rejects(() => planApply(root).then((p) => executePlan(p)), /interrupted/);
    const [summary] = await recover(root, { mode });
    assert.equal(summary?.run_id, plan.run_id);
    const after = inventoryTree(root, { exclude: KEEPER });
    const tmp = [...after.files.keys()].filter((p) => p.includes(".keeper-tmp-"));
    assert.deepEqual(tmp, []);
    if (mode === "undo") {
      assert.deepEqual(diffInventories(before, after), []);
    } else {
      assert.equal(summary?.state, "committed");
      for (const s of plan.steps.filter((x) => x.kind === "move")) {
        assert.equal(after.files.get(s.dest), s.sha256, s.dest);
        assert.ok(!after.files.has(s.source), s.source);
      }
      await rollback(root, plan.run_id);
      assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
    }
    assert.deepEqual(await recover(root), []);
  });
}

Deno.test("planApply() uses configured folder names", async () => {
  const root = await sandbox(3);
  const plan = await planApply(root, {
    folders: { selected: "out/picked", notSelected: "out/rest", cropped: "out/crops" },
  });
  assert.ok(plan.steps.filter((s) => s.kind === "mkdir").some((s) => s.dest === "out/picked"));
  assert.ok(plan.steps.filter((s) => s.kind !== "mkdir").every((s) => !s.dest.startsWith("__s")));
  await executePlan(plan);
  assert.ok(exists(join(root, "out", "rest")));
});

Deno.test("parseJournal() ignores a torn last line and reads intents, dones and commit", () => {
  const text =
    '{"t":"intent","i":0}\n{"t":"done","i":0}\n{"t":"intent","i":1,"out_sha256":"ab"}\n' +
    '{"t":"done","i":1,"out';
  const state = parseJournal(text);
  assert.equal(state.intents.size, 2);
  assert.deepEqual([...state.done.keys()], [0]);
  assert.equal(state.intents.get(1)?.out_sha256, "ab");
  assert.equal(state.committed, false);
  assert.throws(() => parseJournal('{"t":"intent"\n{"t":"done","i":0}\n'), /line 1/);
});

Deno.test("diffInventories() reports missing, changed and extra files and folders", () => {
  const a = { files: new Map([["x", "1"], ["y", "2"]]), dirs: new Set(["d"]) };
  const b = { files: new Map([["x", "9"], ["z", "3"]]), dirs: new Set(["e"]) };
  assert.deepEqual(diffInventories(a, b).sort(), [
    "changed x",
    "extra folder e",
    "extra z",
    "missing folder d",
    "missing y",
  ]);
});

Deno.test("recover() finishes a rollback that crashed halfway", async () => {
  const root = await sandbox(8, 33);
  const before = inventoryTree(root, { exclude: KEEPER });
  const plan = await planApply(root);
  await executePlan(plan, { batchSteps: 8 });
  let n = 0;
  await assert.rejects(
    () =>
      rollback(root, plan.run_id, {
        hook: () => {
          if (++n === 25) throw new Error("crash during rollback");
        },
      }),
    /crash during rollback/,
  );
  assert.notDeepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
  const [summary] = await recover(root, { mode: "complete" });
  assert.equal(summary?.state, "rolled_back");
  assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
});
