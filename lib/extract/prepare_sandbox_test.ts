import assert from "node:assert/strict";
import { prepareSandbox } from "./mod.ts";

async function project(dir: string): Promise<void> {
  await Deno.mkdir(`${dir}/proj/alice`, { recursive: true });
  for (let g = 0; g < 4; g++) {
    for (const [k, stage] of ["stage1_generated", "stage2_upscaled"].entries()) {
      const stem = `${dir}/proj/alice/20250101_1${g}0${k}00_${stage}`;
      await Deno.writeFile(`${stem}.png`, new Uint8Array([g, k, 1, 2, 3]));
      // Group 3's stage-2 image lacks the caption its sibling has.
      if (!(g === 3 && k === 1)) await Deno.writeTextFile(`${stem}.caption`, `cap ${g} ${k}\n`);
      await Deno.writeTextFile(`${stem}.yaml`, `stage: ${stage}\n`);
    }
  }
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const st = await Deno.stat(`${dir}/${e.name}`);
    out.push(`${e.name} ${st.size} ${st.mtime?.getTime()}`);
  }
  return out.sort();
}

Deno.test("prepareSandbox() copies whole groups with companions and refuses incomplete ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox_" });
  try {
    await project(dir);
    const before = await listing(`${dir}/proj/alice`);
    await Deno.mkdir(`${dir}/sandbox`);
    const r = await prepareSandbox(`${dir}/proj`, `${dir}/sandbox/t`, {
      groups: 4,
      missingCompanions: "refuse",
      sandboxRoot: `${dir}/sandbox`,
    });
    assert.equal(r.groups_available, 4);
    assert.equal(r.groups_copied, 3);
    assert.equal(r.refused.length, 1);
    assert.match(
      r.refused[0]!.reason,
      /incomplete_companions: .*20250101_130100_stage2_upscaled.png lacks .caption/,
    );
    assert.equal(r.files_copied, 3 * 2 * 3);
    const copied = await listing(`${dir}/sandbox/t/alice`);
    assert.equal(copied.length, 18);
    for (const line of copied) assert.ok(before.includes(line), line); // same size and mtime
    assert.deepEqual(await listing(`${dir}/proj/alice`), before);
    // Told to, it copies the incomplete group too; files already there are verified, not recopied.
    const again = await prepareSandbox(`${dir}/proj`, `${dir}/sandbox/t`, {
      groups: 4,
      allowIncomplete: true,
      sandboxRoot: `${dir}/sandbox`,
    });
    assert.equal(again.groups_copied, 4);
    assert.equal(again.files_present, 18);
    assert.equal(again.files_copied, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareSandbox() refuses a destination outside the sandbox or through a link", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox_" });
  try {
    await project(dir);
    await Deno.mkdir(`${dir}/sandbox`);
    await Deno.mkdir(`${dir}/outside`);
    await assert.rejects(
      () => prepareSandbox(`${dir}/proj`, "/tmp/elsewhere", { sandboxRoot: `${dir}/sandbox` }),
      /Cannot prepare sandbox: destination "\/tmp\/elsewhere" is not under/,
    );
    await Deno.symlink(`${dir}/outside`, `${dir}/sandbox/link`);
    await assert.rejects(
      () =>
        prepareSandbox(`${dir}/proj`, `${dir}/sandbox/link/b`, { sandboxRoot: `${dir}/sandbox` }),
      /is a link/,
    );
    assert.deepEqual([...Deno.readDirSync(`${dir}/outside`)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("prepareSandbox() copies the whole folder in order into any folder inside the sandbox; incomplete groups are copied and listed by default", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sandbox_" });
  try {
    await project(dir);
    await Deno.mkdir(`${dir}/sandbox`);
    const r = await prepareSandbox(`${dir}/proj`, `${dir}/sandbox/deep/batch1`, {
      groups: "all",
      order: "in-order",
      sandboxRoot: `${dir}/sandbox`,
    });
    assert.equal(r.groups_available, 4);
    assert.equal(r.groups_copied, 4);
    assert.equal(r.refused.length, 0);
    assert.equal(r.incomplete.length, 1);
    assert.match(r.incomplete[0]!.reason, /130100_stage2_upscaled.png lacks .caption/);
    // In order: by time (the file names' timestamps).
    assert.deepEqual(r.copied.map((g) => g[0]!.split("/").pop()!.slice(0, 11)), [
      "20250101_10",
      "20250101_11",
      "20250101_12",
      "20250101_13",
    ]);
    assert.equal((await listing(`${dir}/sandbox/deep/batch1/alice`)).length, 23);
    // More groups than the folder has: all of them, in order, none failing.
    const more = await prepareSandbox(`${dir}/proj`, `${dir}/sandbox/b2`, {
      groups: 99,
      order: "in-order",
      sandboxRoot: `${dir}/sandbox`,
    });
    assert.equal(more.groups_copied, 4);
    assert.equal(more.groups_requested, 99);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
