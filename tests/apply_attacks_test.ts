/**
 * Adversarial apply cases (issue 16): each test reproduces an attack or an
 * unlucky-user mistake that moved, removed or wrote files outside the
 * sandbox (or lost them) before the fix, through the library and the
 * `deno task apply` command line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ApplyPlan,
  DEFAULT_FOLDERS,
  diffInventories,
  executePlan,
  type Inventory,
  inventoryTree,
  planApply,
  recover,
  rollback,
} from "../lib/apply/mod.ts";
import { createHash } from "node:crypto";
import { makeApplyFixture } from "./fixtures/make_apply_fixture.ts";

const TASK = fileURLToPath(new URL("../tasks/apply.ts", import.meta.url));
const KEEPER = [DEFAULT_FOLDERS.plans, DEFAULT_FOLDERS.journal, DEFAULT_FOLDERS.logs];

const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of made) Deno.removeSync(dir, { recursive: true });
});

async function world(groups = 4, seed = 16): Promise<{ top: string; root: string; out: string }> {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-attack-" });
  made.push(top);
  const root = join(top, "sandbox");
  const out = join(top, "outside");
  Deno.mkdirSync(out);
  await makeApplyFixture(root, { groups, rejectShare: 0, cropShare: 0.5, seed });
  return { top, root, out };
}

function inv(dir: string): Inventory {
  return inventoryTree(dir, { exclude: KEEPER });
}

function sha(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

async function task(args: string[]): Promise<{ code: number; text: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TASK, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, text: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** Plant `journal/<id>.jsonl` (begin + intents, no commit) and `plans/<id>.json` in `root`. */
function plant(root: string, plan: Record<string, unknown>, intents: number[]): void {
  const runId = plan["run_id"] as string;
  Deno.mkdirSync(join(root, "plans"), { recursive: true });
  Deno.mkdirSync(join(root, "journal"), { recursive: true });
  const bytes = new TextEncoder().encode(JSON.stringify(plan, null, 1) + "\n");
  Deno.writeFileSync(join(root, "plans", `${runId}.json`), bytes);
  const lines = [
    {
      t: "begin",
      run_id: runId,
      plan: `plans/${runId}.json`,
      plan_sha256: sha(bytes),
      steps: (plan["steps"] as unknown[]).length,
      groups: ["g_0000000000000000"],
      time: new Date().toISOString(),
    },
    ...intents.map((i) => ({ t: "intent", i })),
  ];
  Deno.writeTextFileSync(
    join(root, "journal", `${runId}.jsonl`),
    lines.map((l) => JSON.stringify(l)).join("\n") + "\n",
  );
}

/** The issue's repro: a plan whose sandbox_root is a folder outside the sandbox. */
function hostilePlan(root: string, out: string, relPaths: boolean): Record<string, unknown> {
  Deno.writeTextFileSync(join(out, "victim.txt"), "precious\n");
  Deno.writeTextFileSync(join(out, "renamed.txt"), "also precious\n");
  const dir = relPaths ? "__selected/" : "";
  return {
    version: 1,
    run_id: "evil1",
    created: new Date().toISOString(),
    sandbox_root: relPaths ? root : out,
    approved_file: "x",
    decisions_file: "x",
    folders: DEFAULT_FOLDERS,
    steps: [
      {
        index: 0,
        group_id: "g_0000000000000000",
        kind: "copy",
        source: relPaths ? "../outside/victim.txt" : "source.txt",
        dest: `${dir}victim.txt`,
        reason: "x",
        sha256: sha("precious\n"),
        size: 9,
      },
      {
        index: 1,
        group_id: "g_0000000000000000",
        kind: "move",
        source: relPaths ? "../outside/gone.txt" : "gone.txt",
        dest: relPaths ? "../outside/renamed.txt" : "renamed.txt",
        reason: "x",
        sha256: sha("also precious\n"),
        size: 14,
      },
    ],
    groups: [],
    problems: [],
    totals: { errors: 0, conflicts: 0 },
  };
}

Deno.test("apply --recover --undo refuses a planted plan whose sandbox_root is outside; the outside folder is untouched", async () => {
  const { root, out } = await world(2);
  plant(root, hostilePlan(root, out, false), [0, 1]);
  const before = inv(out);
  const inside = inv(root);
  const advice = await task(["--sandbox", root]);
  assert.notEqual(advice.code, 0);
  assert.match(advice.text, /--recover/);
  const r = await task(["--sandbox", root, "--recover", "--undo"]);
  assert.notEqual(r.code, 0, r.text);
  assert.match(r.text, /made for sandbox .*--relocated/s);
  assert.deepEqual(diffInventories(before, inv(out)), []);
  assert.deepEqual(diffInventories(inside, inv(root)), []);
  // Even when told the sandbox was moved, the plan's steps are checked like planning's.
  await assert.rejects(
    () => recover(root, { mode: "undo", relocated: true }),
    /step 0: dest "victim.txt" is not inside an output folder/,
  );
  assert.deepEqual(diffInventories(before, inv(out)), []);
});

Deno.test("recover refuses a planted plan whose steps climb out with '..' even when its root is the sandbox", async () => {
  const { root, out } = await world(2);
  plant(root, hostilePlan(root, out, true), [0, 1]);
  Deno.writeTextFileSync(join(out, "gone.txt"), "x\n");
  const before = inv(out);
  await assert.rejects(() => recover(root, { mode: "undo" }), /step 0: source .* contains "\.\."/);
  await assert.rejects(() => recover(root, { mode: "complete" }), /contains "\.\."/);
  assert.deepEqual(diffInventories(before, inv(out)), []);
});

Deno.test("a copied sandbox rolls back itself by relative paths (with --relocated), never the original", async () => {
  const { top, root: a } = await world(5);
  const original = inv(a);
  const plan = await planApply(a, { runId: "run1" });
  await executePlan(plan);
  const committed = inv(a);
  const b = join(top, "copy");
  const cp = await new Deno.Command("cp", { args: ["-a", a, b] }).output();
  assert.equal(cp.code, 0);
  // Without --relocated: refused, naming the flag; nothing changes anywhere.
  const refused = await task(["--sandbox", b, "--rollback", "run1"]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.text, /--relocated/);
  assert.deepEqual(diffInventories(committed, inv(a)), []);
  assert.deepEqual(diffInventories(committed, inv(b)), []);
  const ok = await task(["--sandbox", b, "--rollback", "run1", "--relocated"]);
  assert.equal(ok.code, 0, ok.text);
  assert.deepEqual(diffInventories(original, inv(b)), [], "the copy is rolled back");
  assert.deepEqual(diffInventories(committed, inv(a)), [], "the original is untouched");
  // The original still rolls back by itself.
  await rollback(a, "run1");
  assert.deepEqual(diffInventories(original, inv(a)), []);
});

Deno.test("--rollback with a path instead of a run id is refused before any journal is opened", async () => {
  const { top, root, out } = await world(2);
  plant(out, hostilePlan(out, out, false), [0, 1]);
  const before = inv(out);
  const rel = `../${top.split("/").pop()}/outside/journal/evil1`;
  await assert.rejects(() => rollback(root, "../../outside/journal/evil1"), /not a run id/);
  for (const id of ["../outside/x", rel, "a/b", ".hidden", ""]) {
    const r = await task(["--sandbox", root, "--rollback", id]);
    assert.notEqual(r.code, 0);
    assert.match(r.text, /not a run id/, `${id}: ${r.text}`);
  }
  await assert.rejects(() => planApply(root, { runId: "../x" }), /not a run id/);
  assert.deepEqual(diffInventories(before, inv(out)), []);
});

Deno.test("executePlan() refuses a member whose bytes changed at the same size after planning (mtime reset too)", async () => {
  const { root } = await world(6);
  const before = inv(root);
  const plan = await planApply(root, { runId: "sz" });
  // The last group's first move: earlier groups are moved first, then must be put back.
  const victim = plan.steps.filter((s) => s.kind === "move").at(-1)!;
  const path = join(root, victim.source);
  const info = Deno.statSync(path);
  const bytes = Deno.readFileSync(path);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  Deno.writeFileSync(path, bytes);
  Deno.utimeSync(path, info.atime!, info.mtime!);
  const tampered = inv(root);
  await assert.rejects(
    () => executePlan(plan, { batchSteps: 4 }),
    /content changed since the plan/,
  );
  assert.deepEqual(diffInventories(tampered, inv(root)), [], "the tree is as before the run");
  assert.notDeepEqual(diffInventories(before, tampered), []);
  const again = await planApply(root, { runId: "sz2" });
  assert.ok(!again.problems.some((p) => p.kind === "interrupted_run"), "the run was closed");
});

Deno.test("executePlan() refuses when the source folder became a link to an outside folder", async () => {
  const { root, out } = await world(4);
  const plan = await planApply(root, { runId: "lnk" });
  const cp = await new Deno.Command("cp", {
    args: ["-a", join(root, "incoming"), join(out, "incoming")],
  }).output();
  assert.equal(cp.code, 0);
  Deno.renameSync(join(root, "incoming"), join(root, "incoming.real"));
  Deno.symlinkSync(join(out, "incoming"), join(root, "incoming"));
  const before = inv(out);
  await assert.rejects(() => executePlan(plan), /is a link/);
  assert.deepEqual(diffInventories(before, inv(out)), [], "no outside file removed");
});

Deno.test("executePlan() refuses when an output folder became a link to an outside folder", async () => {
  const { root, out } = await world(4);
  Deno.mkdirSync(join(root, "__not_selected"));
  const plan = await planApply(root, { runId: "out" });
  Deno.removeSync(join(root, "__not_selected"));
  Deno.mkdirSync(join(out, "trap"));
  Deno.symlinkSync(join(out, "trap"), join(root, "__not_selected"));
  const inside = inv(root);
  await assert.rejects(() => executePlan(plan), /is a link/);
  assert.deepEqual([...Deno.readDirSync(join(out, "trap"))], [], "nothing moved out");
  assert.deepEqual(diffInventories(inside, inv(root)), []);
});

Deno.test("a folder swapped for a link in the middle of a run stops the run before anything leaves the sandbox", async () => {
  const { root, out } = await world(8);
  const plan: ApplyPlan = await planApply(root, { runId: "mid" });
  Deno.mkdirSync(join(out, "trap"));
  let swapped = false;
  await assert.rejects(
    () =>
      executePlan(plan, {
        batchSteps: 4,
        hook: (point) => {
          if (point !== "batch:done" || swapped) return;
          swapped = true;
          Deno.renameSync(join(root, "__uncropped"), join(root, "moved_away"));
          Deno.symlinkSync(join(out, "trap"), join(root, "__uncropped"));
        },
      }),
    /is a link/,
  );
  assert.ok(swapped);
  assert.deepEqual([...Deno.readDirSync(join(out, "trap"))], [], "nothing moved out");
});

function rows(path: string): Record<string, unknown>[] {
  return Deno.readTextFileSync(path).trim().split("\n").map((l) => JSON.parse(l));
}

function writeRows(path: string, list: unknown[]): void {
  Deno.writeTextFileSync(path, list.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

type Decision = { group_id: string; images: { path: string; sha256: string }[] };
type Approved = {
  group_id: string;
  action: string;
  final_choice: number | null;
  crop_coords: unknown;
};

/** Refused at planning: the problem is an error naming `mentions`, and nothing moves. */
async function refusedAtPlanning(
  root: string,
  kind: string,
  mentions: RegExp,
  options: Parameters<typeof planApply>[1] = {},
): Promise<void> {
  const before = inv(root);
  const plan = await planApply(root, options);
  const found = plan.problems.find((p) => p.kind === kind && p.severity === "error");
  assert.ok(found, `expected a ${kind} error, got ${JSON.stringify(plan.problems)}`);
  assert.match(found.message, mentions);
  await assert.rejects(() => executePlan(plan), /Cannot apply run/);
  assert.deepEqual(diffInventories(before, inv(root)), [], "nothing may move");
}

Deno.test("planApply() refuses a group_id that appears twice in automation_decisions.jsonl, naming both lines", async () => {
  const { root } = await world(4);
  const file = join(root, "automation_decisions.jsonl");
  const list = rows(file) as unknown as Decision[];
  const approved = rows(join(root, "approved_decisions.jsonl")) as unknown as Approved[];
  const target = approved.find((a) => a.action === "approve" || a.action === "override")!;
  const dup = list.find((d) => d.group_id === target.group_id)!;
  writeRows(file, [...list, dup]);
  await refusedAtPlanning(
    root,
    "duplicate_group",
    new RegExp(`${target.group_id}" appears on lines \\d+, 5 of automation_decisions\\.jsonl`),
  );
});

Deno.test("apply refuses output folders that are keeper's own folders or inside each other, at planning", async () => {
  const { root } = await world(3);
  const before = inv(root);
  const r = await task(["--sandbox", root, "--folder", "selected=journal", "--commit", "--yes"]);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /selected="journal": it is keeper's own folder journal="journal"/);
  assert.deepEqual(diffInventories(before, inv(root)), []);
  await refusedAtPlanning(root, "bad_folder", /cropped="out\/c": it is inside folder selected/, {
    folders: { selected: "out", cropped: "out/c" },
  });
  await refusedAtPlanning(root, "bad_folder", /plans="file_operations_logs\/p"/, {
    folders: { plans: "file_operations_logs/p" },
  });
  await refusedAtPlanning(root, "bad_folder", /keeper's own/, { folders: { selected: ".thumbs" } });
  await assert.rejects(
    () => recover(root, { folders: { selected: "journal" } }),
    /keeper's own folder journal/,
  );
});

/** A PNG whose header says `w` × `h` (no pixel data: probing reads only the header). */
function headerOnlyPng(w: number, h: number): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, w);
  dv.setUint32(4, h);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk("IEND", new Uint8Array()),
  ];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return all;
}

/** The first approved group with a crop: its decision, approved record and final image path. */
function cropGroup(
  root: string,
): { list: Decision[]; approved: Approved[]; a: Approved; path: string } {
  const list = rows(join(root, "automation_decisions.jsonl")) as unknown as Decision[];
  const approved = rows(join(root, "approved_decisions.jsonl")) as unknown as Approved[];
  const a = approved.find((x) => x.crop_coords !== null && x.final_choice !== null)!;
  const d = list.find((x) => x.group_id === a.group_id)!;
  return { list, approved, a, path: d.images[a.final_choice!]!.path };
}

Deno.test("planApply() probes crop sources: a 30000×30000 PNG is refused at planning, naming the file", async () => {
  const { root } = await world(4);
  const { list, a, path } = cropGroup(root);
  const png = headerOnlyPng(30000, 30000);
  Deno.writeFileSync(join(root, path), png);
  const d = list.find((x) => x.group_id === a.group_id)!;
  d.images.find((i) => i.path === path)!.sha256 = sha(png);
  writeRows(join(root, "automation_decisions.jsonl"), list);
  await refusedAtPlanning(
    root,
    "image_too_large",
    new RegExp(`"${path.replace(/\./g, "\\.")}" is 30000x30000, outside keeper's pixel limit`),
  );
});

Deno.test("planApply() refuses a crop below the review page's minimum size", async () => {
  const { root } = await world(4);
  const { approved, a } = cropGroup(root);
  a.crop_coords = [0, 0, 0.0001, 0.0001];
  writeRows(join(root, "approved_decisions.jsonl"), approved);
  await refusedAtPlanning(root, "crop_too_small", /smaller than 5% of a side/);
});

Deno.test('an image that was unreadable when decided (sha256 "") is refused, or with --unreadable warn hashed at planning and verified at the move', async () => {
  const { root } = await world(4);
  const { list, a, path } = cropGroup(root);
  const d = list.find((x) => x.group_id === a.group_id)!;
  d.images.find((i) => i.path === path)!.sha256 = "";
  writeRows(join(root, "automation_decisions.jsonl"), list);
  await refusedAtPlanning(root, "unverified_image", /--unreadable warn/);
  const r = await task(["--sandbox", root]);
  assert.notEqual(r.code, 0);
  assert.match(r.text, /unreadable when decided .*--unreadable warn/s);
  const plan = await planApply(root, { unreadable: "warn", runId: "w" });
  assert.equal(plan.totals.errors, 0);
  assert.ok(plan.problems.some((p) => p.kind === "unverified_image" && p.severity === "warning"));
  const step = plan.steps.find((s) => s.source === path && s.kind === "move")!;
  assert.equal(step.sha256, sha(Deno.readFileSync(join(root, path))));
  // Bytes changed after planning: the move refuses them.
  const bytes = Deno.readFileSync(join(root, path));
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1;
  const info = Deno.statSync(join(root, path));
  Deno.writeFileSync(join(root, path), bytes);
  Deno.utimeSync(join(root, path), info.atime!, info.mtime!);
  await assert.rejects(() => executePlan(plan), /content changed since the plan/);
});
