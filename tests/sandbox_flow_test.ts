/**
 * `deno task sandbox` as a person runs it (#17 item 6): a batch from a
 * project folder, the whole folder or N groups, in order or sampled, into any
 * folder inside the sandbox root, with apply's companion policy words.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const TASK = fileURLToPath(new URL("../tasks/sandbox.ts", import.meta.url));

async function sandbox(args: string[]): Promise<{ code: number; out: string; err: string }> {
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

/** `<top>/mojo2/<character>/…`: 3 groups of 2 stages with .yaml + .caption (one caption missing). */
function project(top: string): string {
  const from = join(top, "mojo2");
  for (const [g, character] of ["hannah", "kelly", "hannah"].entries()) {
    const dir = join(from, character);
    Deno.mkdirSync(dir, { recursive: true });
    for (const [k, stage] of ["stage1_generated", "stage2_upscaled"].entries()) {
      const stem = join(dir, `20250301_1${g}0${k}00_${stage}`);
      Deno.writeFileSync(`${stem}.png`, new Uint8Array([g, k, 9, 9]));
      Deno.writeTextFileSync(`${stem}.yaml`, `stage: ${stage}\n`);
      if (!(g === 2 && k === 1)) Deno.writeTextFileSync(`${stem}.caption`, `c ${g} ${k}\n`);
    }
  }
  return from;
}

Deno.test("sandbox task: whole folder or N groups, in order or sampled, into any folder inside the sandbox; N beyond the folder copies all", async () => {
  const top = await Deno.makeTempDir({ prefix: "keeper-sandbox-flow-" });
  try {
    const from = project(top);
    const box = join(top, "sandbox");
    Deno.mkdirSync(box);
    const all = await sandbox(["--from", from, "--sandbox", box, "--groups", "all", "--json"]);
    assert.equal(all.code, 0, all.err);
    const r = JSON.parse(all.out.trim().split("\n").at(-1)!);
    assert.equal(r.groups_copied, 3);
    assert.equal(r.incomplete.length, 1, "an incomplete group is copied and listed by default");
    assert.ok(Deno.statSync(join(box, "mojo2", "kelly", "20250301_110000_stage1_generated.png")));

    const more = await sandbox([
      "--from",
      from,
      "--sandbox",
      box,
      "--groups",
      "5",
      "--order",
      "in-order",
      "--to",
      join(box, "batches", "b1"),
    ]);
    assert.equal(more.code, 0, more.err);
    assert.match(more.err, /asked for 5 groups, the folder has 3: copied them all/);
    assert.match(more.out, /3\/5 groups copied \(in-order\)/);

    const one = await sandbox([
      "--from",
      from,
      "--sandbox",
      box,
      "--groups",
      "1",
      "--order",
      "in-order",
      "--to",
      join(box, "b2"),
    ]);
    assert.equal(one.code, 0, one.err);
    assert.deepEqual([...Deno.readDirSync(join(box, "b2"))].map((e) => e.name), ["hannah"]);

    const strict = await sandbox([
      "--from",
      from,
      "--sandbox",
      box,
      "--groups",
      "all",
      "--missing-companions",
      "refuse",
      "--to",
      join(box, "b3"),
    ]);
    assert.equal(strict.code, 0, strict.err);
    assert.match(strict.err, /1 group\(s\) left out .*--missing-companions warn/);

    const outside = await sandbox(["--from", from, "--sandbox", box, "--to", join(top, "x")]);
    assert.equal(outside.code, 1);
    assert.match(outside.err, /is not under/);

    Deno.mkdirSync(join(top, "empty"));
    const none = await sandbox(["--from", join(top, "empty"), "--sandbox", box]);
    assert.equal(none.code, 1);
    assert.match(none.err, /0 of 0 groups copied/);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
