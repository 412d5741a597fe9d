/**
 * `deno task apply` as a person or a script runs it: dry run by default,
 * refusal without a terminal or `--yes`, commit, rollback byte-identical,
 * and a clear error naming a malformed record.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { diffInventories, inventoryTree } from "../lib/apply/mod.ts";
import { makeApplyFixture } from "./fixtures/make_apply_fixture.ts";

const TASK = fileURLToPath(new URL("../tasks/apply.ts", import.meta.url));
const KEEPER = ["plans", "journal", "file_operations_logs"];

async function apply(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", TASK, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("apply task: dry run by default, refuses --commit without --yes off a terminal, commits and rolls back byte-identically", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-flow-" });
  try {
    const root = join(top, "sandbox");
    await makeApplyFixture(root, { groups: 6, cropShare: 0.5, seed: 3 });
    const before = inventoryTree(root, { exclude: KEEPER });

    const dry = await apply(["--sandbox", root]);
    assert.equal(dry.code, 0, dry.err);
    assert.match(dry.out, /dry run: nothing moved/);
    assert.match(dry.out, /moves, \d+ copies, \d+ crops/);
    assert.equal([...Deno.readDirSync(join(root, "plans"))].length, 1);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);

    const refused = await apply(["--sandbox", root, "--commit"]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /pass --yes/);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);

    const done = await apply(["--sandbox", root, "--commit", "--yes", "--run-id", "flow1"]);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, /committed flow1: \d+ groups applied, \d+ files moved/);
    assert.match(done.out, /rollback: deno task apply --sandbox .* --rollback flow1/);
    assert.notEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })).length, 0);

    const again = await apply(["--sandbox", root, "--commit", "--yes"]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /0 moves, 0 copies, 0 crops/);

    const back = await apply(["--sandbox", root, "--rollback", "flow1"]);
    assert.equal(back.code, 0, back.err);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("apply task: a malformed decision line is a clear error naming file and line; nothing moves", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-flow-" });
  try {
    const root = join(top, "sandbox");
    await makeApplyFixture(root, { groups: 3, seed: 4 });
    Deno.writeTextFileSync(join(root, "approved_decisions.jsonl"), "not json\n", { append: true });
    const before = inventoryTree(root, { exclude: KEEPER });
    const r = await apply(["--sandbox", root, "--commit", "--yes"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /approved_decisions\.jsonl:4/);
    assert.deepEqual(diffInventories(before, inventoryTree(root, { exclude: KEEPER })), []);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("apply task: keeps <project>/<character>/ beneath its folders (--flat: the original layout); a blocked run names the flag", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-apply-flow-" });
  try {
    const root = join(top, "sandbox");
    // A batch laid out as `sandbox` copies a project: <batch = project>/<character>/<files>.
    const fx = await makeApplyFixture(root, {
      groups: 4,
      cropShare: 0.5,
      rejectShare: 0,
      seed: 8,
      folder: "fixture/hannah",
    });
    const pick = fx.decisions[0]!.images[fx.approved[0]!.final_choice!]!.path.split("/").pop()!;
    const done = await apply(["--sandbox", root, "--commit", "--yes", "--run-id", "tree1"]);
    assert.equal(done.code, 0, done.err);
    const home = fx.approved[0]!.crop_coords !== null ? "__uncropped" : "__selected";
    assert.ok(Deno.statSync(join(root, home, "fixture", "hannah", pick)).isFile);
    const rest = [...Deno.readDirSync(join(root, "__not_selected", "fixture", "hannah"))];
    assert.ok(rest.length > 0);
    assert.equal((await apply(["--sandbox", root, "--rollback", "tree1"])).code, 0);

    const flat = await apply(["--sandbox", root, "--commit", "--yes", "--flat", "--run-id", "f"]);
    assert.equal(flat.code, 0, flat.err);
    assert.ok(Deno.statSync(join(root, home, pick)).isFile);
    assert.equal((await apply(["--sandbox", root, "--rollback", "f"])).code, 0);

    // One image loses its companions: the run is blocked, and the error names the flag.
    const img = fx.decisions[1]!.images[0]!.path;
    for (const ext of [".yaml", ".caption"]) {
      Deno.removeSync(join(root, img.replace(/\.png$/, ext)));
    }
    const blocked = await apply(["--sandbox", root, "--commit", "--yes"]);
    assert.equal(blocked.code, 1);
    assert.match(blocked.err, /missing_companion 1\).*pass --missing-companions warn/s);
    const warned = await apply(["--sandbox", root, "--missing-companions", "warn"]);
    assert.equal(warned.code, 0, warned.err);
    assert.match(warned.out, /warning: \[missing_companion\]/);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
