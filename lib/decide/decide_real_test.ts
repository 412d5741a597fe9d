import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import { decideFolder } from "./mod.ts";
import { readAutomationDecisions } from "../decisions/mod.ts";

Deno.test("decideFolder() with the real loaders: cached features, fallback models, a corrupt PNG", async () => {
  const root = await Deno.makeTempDir({ prefix: "keeper-decide-real-" });
  try {
    const sandbox = join(root, "sandbox");
    const input = join(sandbox, "in");
    await Deno.mkdir(input, { recursive: true });
    const data = new Uint8Array(16 * 16 * 3).map((_, i) => (i * 37) % 251);
    const png = await encodeRaw({ data, width: 16, height: 16, channels: 3 });
    await Deno.writeFile(join(input, "20250708_060000_stage1_generated.png"), png);
    const bigger = await encodeRaw({
      data: data.map((v) => 255 - v),
      width: 16,
      height: 16,
      channels: 3,
    });
    await Deno.writeFile(join(input, "20250708_060130_stage2_upscaled.png"), bigger);
    await Deno.writeFile(join(input, "20250708_060300_stage3_enhanced.png"), png.slice(0, 40));
    const opts = {
      sandboxRoot: sandbox,
      models: join(root, "no-models"),
      cacheDb: join(root, "features.sqlite"),
    };
    const s = await decideFolder(input, opts);
    assert.deepEqual([s.groups, s.decided, s.unreadable], [1, 1, 1]);
    const [d] = await readAutomationDecisions(join(sandbox, "automation_decisions.jsonl"));
    assert.ok(d !== undefined);
    assert.equal(d.models.ranker, "fallback:highest-stage");
    assert.deepEqual(d.flags, ["unreadable_image"]);
    assert.equal(d.step1_selection.chosen, "in/20250708_060130_stage2_upscaled.png");
    assert.equal(d.images[0]!.width, 16);
    assert.match(d.images[2]!.sha256, /^[0-9a-f]{64}$/);
    const again = await decideFolder(input, opts);
    assert.deepEqual([again.decided, again.skipped], [0, 1]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("deno task decide --json names each unreadable or left-out image with its reason", async () => {
  const root = await Deno.makeTempDir({ prefix: "keeper-decide-json-" });
  try {
    const sandbox = join(root, "sandbox");
    const input = join(sandbox, "in");
    await Deno.mkdir(input, { recursive: true });
    const data = new Uint8Array(16 * 16 * 3).map((_, i) => (i * 37) % 251);
    const png = await encodeRaw({ data, width: 16, height: 16, channels: 3 });
    await Deno.writeFile(join(input, "20250708_060000_stage1_generated.png"), png);
    await Deno.writeFile(join(input, "20250708_060300_stage3_enhanced.png"), png.slice(0, 40));
    await Deno.writeFile(join(root, "elsewhere.png"), png);
    await Deno.symlink(
      join(root, "elsewhere.png"),
      join(input, "20250708_060130_stage2_upscaled.png"),
    );
    const repo = new URL("../../", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        join(repo, "tasks/decide.ts"),
        "--in",
        input,
        "--sandbox",
        sandbox,
        "--models",
        join(root, "no-models"),
        "--cache",
        join(root, "features.sqlite"),
        "--json",
      ],
      cwd: root,
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    assert.match(stderr, /2 image file\(s\) not used/);
    const j = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(j.unreadable, 2);
    assert.deepEqual(j.unreadable_files.map((f: { path: string }) => f.path), [
      join(input, "20250708_060130_stage2_upscaled.png"),
      join(input, "20250708_060300_stage3_enhanced.png"),
    ]);
    assert.equal(j.unreadable_files[0].reason, "symlink");
    assert.match(j.unreadable_files[1].reason, /^truncated|^corrupt|^not_an_image/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
