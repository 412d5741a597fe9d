import assert from "node:assert/strict";
import { join } from "node:path";
import { SchemaError } from "../schema/mod.ts";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import {
  appendAutomationDecisions,
  groupIdOf,
  isInsideSandbox,
  readApprovedDecisions,
  readAutomationDecisions,
  resolveDecisionPath,
  validateAutomationDecision,
  writeApprovedDecisions,
} from "./mod.ts";
import { toDecisionPath } from "./decision_paths.ts";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);

async function decision(): Promise<AutomationDecision> {
  return {
    group_id: await groupIdOf([SHA_A, SHA_B]),
    project: "mojo1",
    created: "2026-01-02T03:04:05.000Z",
    grouping: "stage_run",
    models: { ranker: "ranker@1", crop: "crop@1", embedder: "builtin@1" },
    images: [
      {
        path: "in/x_stage1_generated.png",
        sha256: SHA_A,
        stage: 1,
        width: 8,
        height: 8,
        score: 0.1,
      },
      {
        path: "in/x_stage2_upscaled.png",
        sha256: SHA_B,
        stage: 2,
        width: 16,
        height: 16,
        score: 0.9,
      },
    ],
    step1_selection: {
      chosen_index: 1,
      chosen: "in/x_stage2_upscaled.png",
      confidence: 0.8,
      margin: 0.6,
      reasons: ["highest stage, no defect signals"],
      auto_approvable: true,
    },
    step2_crop: { needs_crop: true, box: [0, 0, 1, 0.76], confidence: 0.7, reasons: ["crop"] },
    flags: [],
  };
}

function approved(): ApprovedDecision {
  return {
    group_id: "g_0123456789abcdef",
    action: "override",
    final_choice: 0,
    crop_coords: [0.1, 0.1, 0.9, 0.9],
    manual_crop: false,
    ai_choice: 1,
    ai_crop: null,
    timestamp: "2026-01-02T03:04:05Z",
    seconds_spent: 2.5,
  };
}

Deno.test("automation decisions round-trip through append and read unchanged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "automation_decisions.jsonl");
    const d = await decision();
    await appendAutomationDecisions(path, [d]);
    const other = { ...d, group_id: "g_0123456789abcdef", project: "mojo2" };
    await appendAutomationDecisions(path, [other]);
    const back = await readAutomationDecisions(path);
    assert.deepEqual(back, [d, other]);
    const leftovers = [...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name);
    assert.deepEqual(leftovers, ["automation_decisions.jsonl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("appendAutomationDecisions() writes nothing when one record is invalid", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.jsonl");
    const d = await decision();
    await appendAutomationDecisions(path, [d]);
    const bad = { ...d, step1_selection: { ...d.step1_selection, chosen_index: 5 } };
    await assert.rejects(
      () => appendAutomationDecisions(path, [d, bad]),
      (e: unknown) =>
        e instanceof SchemaError && e.line === 3 && e.field === "/step1_selection/chosen_index",
    );
    assert.equal((await readAutomationDecisions(path)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readAutomationDecisions() names file, line and field of a bad record", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.jsonl");
    const d = await decision();
    const bad = { ...d, step2_crop: { ...d.step2_crop, box: [0.5, 0, 0.2, 1] } };
    await Deno.writeTextFile(path, JSON.stringify(d) + "\n\n" + JSON.stringify(bad) + "\n");
    await assert.rejects(
      () => readAutomationDecisions(path),
      (e: unknown) =>
        e instanceof SchemaError && e.file === path && e.line === 3 &&
        e.field === "/step2_crop/box" && e.message.includes(`${path}:3`),
    );
    await Deno.writeTextFile(path, "{not json\n");
    await assert.rejects(
      () => readAutomationDecisions(path),
      (e: unknown) => e instanceof SchemaError && e.line === 1,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validateAutomationDecision() rejects absolute paths and unknown fields", async () => {
  const d = await decision();
  const abs = { ...d, images: [{ ...d.images[0]!, path: "/etc/passwd" }, d.images[1]!] };
  assert.throws(() => validateAutomationDecision(abs), SchemaError);
  assert.throws(() => validateAutomationDecision({ ...d, extra: 1 }), SchemaError);
  assert.throws(
    () => validateAutomationDecision({ ...d, step2_crop: { ...d.step2_crop, box: null } }),
    (e: unknown) => e instanceof SchemaError && e.field === "/step2_crop/box",
  );
});

Deno.test("approved decisions round-trip; a missing file reads as empty", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "approved_decisions.jsonl");
    assert.deepEqual(await readApprovedDecisions(path), []);
    const skip: ApprovedDecision = {
      ...approved(),
      action: "skip",
      final_choice: null,
      crop_coords: null,
    };
    await writeApprovedDecisions(path, [approved(), skip]);
    assert.deepEqual(await readApprovedDecisions(path), [approved(), skip]);
    await writeApprovedDecisions(path, [skip]);
    assert.deepEqual(await readApprovedDecisions(path), [skip]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeApprovedDecisions() refuses a skip that carries a choice", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "approved_decisions.jsonl");
    await assert.rejects(
      () => writeApprovedDecisions(path, [{ ...approved(), action: "skip" }]),
      (e: unknown) => e instanceof SchemaError && e.field === "/final_choice" && e.line === 1,
    );
    await assert.rejects(() => Deno.stat(path), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("groupIdOf() depends on member content only, not order", async () => {
  assert.equal(await groupIdOf([SHA_A, SHA_B]), await groupIdOf([SHA_B, SHA_A]));
  assert.notEqual(await groupIdOf([SHA_A, SHA_B]), await groupIdOf([SHA_A]));
  assert.match(await groupIdOf([SHA_A]), /^g_[0-9a-f]{16}$/);
});

Deno.test("resolveDecisionPath() refuses paths that leave the sandbox root", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = join(dir, "sandbox");
    await Deno.mkdir(join(root, "in"), { recursive: true });
    assert.equal(toDecisionPath(root, join(root, "in", "a.png")), "in/a.png");
    assert.equal(toDecisionPath(root, join(dir, "data", "a.png")), "../data/a.png");
    assert.equal(resolveDecisionPath(root, "in/a.png"), join(root, "in", "a.png"));
    assert.equal(isInsideSandbox("in/../../a.png"), false);
    assert.throws(() => resolveDecisionPath(root, "../data/a.png"), RangeError);
    assert.throws(() => resolveDecisionPath(root, "/etc/passwd"), RangeError);
    await Deno.mkdir(join(dir, "outside"));
    await Deno.symlink(join(dir, "outside"), join(root, "link"));
    assert.throws(() => resolveDecisionPath(root, "link/a.png"), RangeError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
