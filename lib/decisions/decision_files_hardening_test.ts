/**
 * Issue #16 items 7 and 12 on the decision files themselves: a `group_id`
 * decided twice is refused (which record a person reviewed would be a
 * guess), and a planted over-long line, over-long path or invalid UTF-8 is
 * refused with file, line, field and reason before it is held whole.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SchemaError } from "../schema/mod.ts";
import type { ApprovedDecision, AutomationDecision } from "../types.ts";
import {
  groupIdOf,
  readApprovedDecisions,
  readAutomationDecisions,
  writeApprovedDecisions,
} from "./mod.ts";

async function decision(group = 0): Promise<AutomationDecision> {
  const a = String(group).padStart(64, "a");
  const b = String(group).padStart(64, "b");
  return {
    group_id: await groupIdOf([a, b]),
    project: "mojo1",
    created: "2026-01-02T03:04:05.000Z",
    grouping: "stage_run",
    models: { ranker: "ranker@1", crop: "crop@1", embedder: "builtin@1" },
    images: [
      {
        path: `in/x${group}_stage1_generated.png`,
        sha256: a,
        stage: 1,
        width: 16,
        height: 16,
        score: 0.1,
      },
      {
        path: `in/x${group}_stage2_upscaled.png`,
        sha256: b,
        stage: 2,
        width: 16,
        height: 16,
        score: 0.9,
      },
    ],
    step1_selection: {
      chosen_index: 1,
      chosen: `in/x${group}_stage2_upscaled.png`,
      confidence: 0.8,
      margin: 0.6,
      reasons: ["highest stage"],
      auto_approvable: true,
    },
    step2_crop: { needs_crop: false, box: null, confidence: 0.7, reasons: ["no crop"] },
    flags: [],
  };
}

function approved(): ApprovedDecision {
  return {
    group_id: "g_0123456789abcdef",
    action: "skip",
    final_choice: null,
    crop_coords: null,
    ai_choice: 1,
    ai_crop: null,
    timestamp: "2026-01-02T03:04:05Z",
    seconds_spent: 2.5,
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "keeper-decision-files-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function refusedWith(file: string, line: number, field: string, reason: string) {
  return (e: Error) => {
    assert.ok(e instanceof SchemaError, String(e));
    assert.deepEqual([e.file, e.line, e.field, e.reason], [file, line, field, reason]);
    assert.ok(e.message.includes(`${file}:${line}`), e.message);
    assert.ok(e.message.includes(reason), e.message);
    return true;
  };
}

Deno.test("readAutomationDecisions() refuses a group_id decided on two lines, naming the file, the later line and /group_id", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "automation_decisions.jsonl");
    const [d0, d1] = [await decision(0), await decision(1)];
    const text = [d0, d1, { ...d0, project: "other" }].map((d) => JSON.stringify(d)).join("\n");
    await Deno.writeTextFile(file, text + "\n");
    await assert.rejects(
      () => readAutomationDecisions(file),
      refusedWith(file, 3, "/group_id", "duplicate_group"),
    );
    // Callers that refuse per group (apply) or rewrite the file (decide --force) still see all.
    assert.equal((await readAutomationDecisions(file, { duplicates: "keep" })).length, 3);
  });
});

Deno.test("decision readers refuse a 20 MB line (field_too_long) and invalid UTF-8 (bad_encoding) with its line", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "approved_decisions.jsonl");
    await writeApprovedDecisions(file, [approved()]);
    const f = await Deno.open(file, { append: true });
    const big = new TextEncoder().encode(`{"group_id":"${"x".repeat(1 << 20)}`);
    for (let i = 0; i < 20; i++) await f.write(big);
    await f.write(new TextEncoder().encode('"}\n'));
    f.close();
    await assert.rejects(
      () => readApprovedDecisions(file),
      refusedWith(file, 2, "/", "field_too_long"),
    );

    const auto = join(dir, "automation_decisions.jsonl");
    const line = new TextEncoder().encode(JSON.stringify(await decision(0)) + "\n");
    const bad = JSON.stringify(await decision(1)).replace("in/x1_", "in/\u00e9_");
    const bytes = new TextEncoder().encode(bad + "\n");
    bytes[bytes.indexOf(0xc3)] = 0xff; // é's lead byte made invalid
    await Deno.writeFile(auto, new Uint8Array([...line, ...bytes]));
    await assert.rejects(
      () => readAutomationDecisions(auto),
      refusedWith(auto, 2, "/", "bad_encoding"),
    );
  });
});

Deno.test("readAutomationDecisions() refuses an image path over 4096 characters (field_too_long, /images/N/path)", async () => {
  await withDir(async (dir) => {
    const file = join(dir, "automation_decisions.jsonl");
    const d = await decision(0);
    d.images[0]!.path = `in/${"d".repeat(5000)}_stage1_generated.png`;
    await Deno.writeTextFile(
      file,
      JSON.stringify(await decision(1)) + "\n" + JSON.stringify(d) + "\n",
    );
    await assert.rejects(
      () => readAutomationDecisions(file),
      refusedWith(file, 2, "/images/0/path", "field_too_long"),
    );
  });
});
