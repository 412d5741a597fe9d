import assert from "node:assert/strict";
import { join } from "node:path";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import { type ApplyPlan, executePlan, inventoryTree, planApply } from "./mod.ts";
import type { ProblemKind } from "./types.ts";
import { makeApplyFixture } from "../../tests/fixtures/make_apply_fixture.ts";

const KEEPER = ["plans", "journal", "file_operations_logs"];

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) Deno.removeSync(dir, { recursive: true });
});

async function fixture(): Promise<{ root: string; outside: string }> {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-plan-" });
  made.push(top);
  const root = join(top, "sandbox");
  const outside = join(top, "outside");
  await Deno.mkdir(outside);
  await makeApplyFixture(root, { groups: 4, rejectShare: 0, cropShare: 0.5, seed: 5 });
  return { root, outside };
}

function jsonl(path: string): Record<string, unknown>[] {
  return Deno.readTextFileSync(path).trim().split("\n").map((l) => JSON.parse(l));
}

function writeJsonl(path: string, rows: unknown[]): void {
  Deno.writeTextFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

type Img = { path: string };
function imagesOf(root: string, line: number): Img[] {
  return (jsonl(join(root, "automation_decisions.jsonl"))[line] as { images: Img[] }).images;
}

/** Edit image `k` of decision `line` of the automation file. */
function editImagePath(root: string, line: number, k: number, path: string): void {
  const file = join(root, "automation_decisions.jsonl");
  const rows = jsonl(file) as { images: Img[]; step1_selection: { chosen: string } }[];
  const row = rows[line]!;
  const chosenIsK = row.step1_selection.chosen === row.images[k]!.path;
  row.images[k]!.path = path;
  if (chosenIsK) row.step1_selection.chosen = path;
  writeJsonl(file, rows);
}

async function expectRefused(
  root: string,
  kind: ProblemKind,
  mentions: string,
  options: Parameters<typeof planApply>[1] = {},
): Promise<ApplyPlan> {
  const before = inventoryTree(root, { exclude: KEEPER });
  const plan = await planApply(root, options);
  const found = plan.problems.find((p) => p.kind === kind);
  assert.ok(found, `expected a ${kind} problem, got ${JSON.stringify(plan.problems)}`);
  assert.equal(found.severity, "error");
  assert.ok(found.message.includes(mentions), `"${found.message}" should name "${mentions}"`);
  await assert.rejects(() => executePlan(plan), /Cannot apply run/);
  const after = inventoryTree(root, { exclude: KEEPER });
  assert.deepEqual(after, before, "nothing may move");
  return plan;
}

Deno.test("planApply() plans every move, copy and crop of a clean batch without moving anything", async () => {
  const { root } = await fixture();
  const before = inventoryTree(root, { exclude: KEEPER });
  const plan = await planApply(root);
  assert.equal(plan.totals.errors, 0, JSON.stringify(plan.problems));
  assert.equal(plan.totals.groups_applied, 4);
  assert.ok(plan.totals.crops > 0 && plan.totals.copies === plan.totals.crops * 2);
  for (const s of plan.steps.filter((x) => x.kind !== "mkdir")) {
    assert.ok(s.reason.length > 0 && s.sha256.length === 64, JSON.stringify(s));
  }
  assert.deepEqual(inventoryTree(root, { exclude: KEEPER }), before);
  const saved = JSON.parse(Deno.readTextFileSync(join(root, "plans", `${plan.run_id}.json`)));
  assert.equal(saved.steps.length, plan.steps.length);
});

Deno.test("planApply() refuses a record whose absolute path leaves the sandbox, naming file and line", async () => {
  const { root, outside } = await fixture();
  editImagePath(root, 1, 0, join(outside, "x.png"));
  await expectRefused(root, "malformed_record", "automation_decisions.jsonl:2");
});

Deno.test("planApply() refuses '..' in a path, naming the approved record", async () => {
  const { root } = await fixture();
  const p = imagesOf(root, 2)[0]!.path;
  editImagePath(root, 2, 0, p.replace("incoming/", "incoming/../incoming/"));
  await expectRefused(root, "parent_segment", "approved_decisions.jsonl:3");
});

Deno.test("planApply() refuses an image that is a symlink to a file outside the sandbox", async () => {
  const { root, outside } = await fixture();
  const img = join(root, imagesOf(root, 0)[1]!.path);
  Deno.writeFileSync(join(outside, "evil.png"), Deno.readFileSync(img));
  Deno.removeSync(img);
  Deno.symlinkSync(join(outside, "evil.png"), img);
  await expectRefused(root, "symlink", imagesOf(root, 0)[1]!.path, { verifyHashes: false });
});

Deno.test("planApply() refuses a path through a linked folder that leads outside", async () => {
  const { root, outside } = await fixture();
  Deno.symlinkSync(outside, join(root, "incoming", "escape"));
  const name = imagesOf(root, 1)[0]!.path.split("/").pop()!;
  Deno.copyFileSync(join(root, "incoming", name), join(outside, name));
  editImagePath(root, 1, 0, `incoming/escape/${name}`);
  await expectRefused(root, "symlink", "escape");
});

Deno.test("planApply() reports an existing destination as a conflict and never overwrites it", async () => {
  const { root } = await fixture();
  const pick = jsonl(join(root, "approved_decisions.jsonl"))[3]!.final_choice as number;
  const other = pick === 0 ? 1 : 0;
  const finalName = imagesOf(root, 3)[other]!.path.split("/").pop()!; // a not-selected member
  // apply keeps <project>/<character>/ beneath its folders (the fixture's project, flat batch).
  await Deno.mkdir(join(root, "__not_selected", "fixture"), { recursive: true });
  Deno.writeTextFileSync(join(root, "__not_selected", "fixture", finalName), "someone else's file");
  const plan = await expectRefused(root, "destination_exists", finalName);
  assert.equal(plan.totals.conflicts, 1);
  assert.equal(
    Deno.readTextFileSync(join(root, "__not_selected", "fixture", finalName)),
    "someone else's file",
  );
});

Deno.test("planApply() refuses a missing image", async () => {
  const { root } = await fixture();
  Deno.removeSync(join(root, imagesOf(root, 2)[1]!.path));
  await expectRefused(root, "missing_image", imagesOf(root, 2)[1]!.path);
});

Deno.test("planApply() refuses an image without companions unless the policy is warn", async () => {
  const { root } = await fixture();
  const img = imagesOf(root, 0)[2]!.path;
  for (const ext of [".yaml", ".caption"]) Deno.removeSync(join(root, img.replace(".png", ext)));
  await expectRefused(root, "missing_companion", img);
  const plan = await planApply(root, { missingCompanions: "warn" });
  assert.equal(plan.totals.errors, 0);
  assert.equal(plan.problems.filter((p) => p.kind === "missing_companion").length, 1);
  assert.equal(plan.problems[0]!.severity, "warning");
});

Deno.test("planApply() refuses a group approved twice, naming both lines; 'last' takes the later one", async () => {
  const { root } = await fixture();
  const file = join(root, "approved_decisions.jsonl");
  const rows = jsonl(file);
  writeJsonl(file, [...rows, {
    ...rows[1]!,
    action: "skip",
    final_choice: null,
    crop_coords: null,
  }]);
  await expectRefused(root, "duplicate_group", "lines 2, 5");
  const plan = await planApply(root, { duplicates: "last" });
  assert.equal(plan.totals.errors, 0);
  assert.equal(plan.groups.find((g) => g.group_id === rows[1]!.group_id)?.outcome, "unchanged");
});

Deno.test("planApply() refuses a malformed JSON line, naming file and line", async () => {
  const { root } = await fixture();
  Deno.writeTextFileSync(join(root, "approved_decisions.jsonl"), '{"group_id": "g_\n', {
    append: true,
  });
  await expectRefused(root, "malformed_record", "approved_decisions.jsonl:5");
});

Deno.test("planApply() refuses an image whose bytes changed since the decision", async () => {
  const { root } = await fixture();
  const img = join(root, imagesOf(root, 1)[2]!.path);
  Deno.writeFileSync(img, new Uint8Array([1, 2, 3]), { append: true });
  await expectRefused(root, "hash_mismatch", imagesOf(root, 1)[2]!.path);
});

Deno.test("planApply() refuses an approved group with no automation decision", async () => {
  const { root } = await fixture();
  const file = join(root, "automation_decisions.jsonl");
  writeJsonl(file, jsonl(file).slice(1));
  await expectRefused(root, "unknown_group", "approved_decisions.jsonl:1");
});

Deno.test("planApply() refuses an output folder outside the sandbox", async () => {
  const { root } = await fixture();
  const plan = await planApply(root, { folders: { selected: "../picked" }, writePlan: false });
  assert.ok(plan.problems.some((p) => p.kind === "bad_folder" && p.message.includes("../picked")));
  assert.equal(plan.steps.length, 0);
});

Deno.test("planApply() validates in-memory records and refuses a '..' path passed in memory", async () => {
  const { root } = await fixture();
  const decisions = jsonl(
    join(root, "automation_decisions.jsonl"),
  ) as unknown as AutomationDecision[];
  const approved = jsonl(join(root, "approved_decisions.jsonl")) as unknown as ApprovedDecision[];
  const bad = structuredClone(decisions);
  bad[0]!.images[1]!.path = "../outside.png";
  const plan = await planApply(root, { approved, decisions: bad, writePlan: false });
  assert.ok(
    plan.problems.some((p) => p.kind === "parent_segment" && p.record.includes("<approved>:1")),
    JSON.stringify(plan.problems),
  );
  const broken = await planApply(root, {
    approved: [{ group_id: "nope" } as unknown as ApprovedDecision],
    decisions,
    writePlan: false,
  });
  assert.ok(
    broken.problems.some((p) => p.kind === "malformed_record" && p.record === "<approved>:1"),
  );
});
