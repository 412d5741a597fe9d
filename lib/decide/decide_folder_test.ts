import assert from "node:assert/strict";
import { join } from "node:path";
import type { GroupMemberInput, ImageFeatures } from "../types.ts";
import { decideFolder } from "./mod.ts";
import { readAutomationDecisions } from "../decisions/mod.ts";
import type { DecideParts } from "./decide_parts.ts";

/** Stage file name `sec` seconds after 2025-07-08 06:00:00. */
function stageName(sec: number, stage: string): string {
  const d = new Date(Date.UTC(2025, 6, 8, 6, 0, 0) + sec * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}_${stage}.png`;
}

async function sha(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Test double for lib/embed + models: a file's "image" is its text; files
 * whose text starts with "BROKEN" fail to decode. pHash = first 8 chars;
 * the ranker scores by a number after "q=" in the text and adds the note after "note=".
 */
function fakeParts(): DecideParts {
  const text = new Map<string, string>();
  return {
    embedder: "fake-embedder@1",
    features: async (paths, onProgress) => {
      const byPath = new Map<string, ImageFeatures>();
      const failed = new Map<string, string>();
      for (const [i, p] of paths.entries()) {
        const bytes = await Deno.readFile(p);
        const t = new TextDecoder().decode(bytes);
        text.set(p, t);
        if (t.startsWith("BROKEN")) failed.set(p, "cannot decode");
        else {
          const code = [...t.slice(0, 8).padEnd(8, " ")].map((c) => c.charCodeAt(0));
          byPath.set(p, {
            sha256: await sha(bytes),
            width: 64,
            height: 96,
            phash: [
              ((code[0]! << 24) | (code[1]! << 16) | (code[2]! << 8) | code[3]!) >>> 0,
              ((code[4]! << 24) | (code[5]! << 16) | (code[6]! << 8) | code[7]!) >>> 0,
            ],
            builtin: new Float32Array(2),
            embedding: null,
          });
        }
        onProgress?.(i + 1, paths.length);
      }
      return { byPath, failed };
    },
    ranker: {
      identity: "fake-ranker@1",
      rank(members: GroupMemberInput[]) {
        const scores = members.map((m) => Number(/q=([\d.]+)/.exec(text.get(m.path)!)?.[1] ?? 0));
        const ex = scores.map((s) => Math.exp(s));
        const z = ex.reduce((a, b) => a + b, 0);
        return {
          scores,
          probabilities: ex.map((e) => e / z),
          notes: members.map((m, i) => [
            ...(scores[i]! < 1 ? ["much lower learned quality than stage 1.5"] : []),
            ...(/note=([^\n]+)/.exec(text.get(m.path)!)?.slice(1) ?? []),
          ]),
        };
      },
    },
    crop: {
      identity: "fake-crop@1",
      propose: () => ({ needs_crop: 0.8, box: [0.1, 0, 0.9, 0.76], confidence: 0.7 }),
    },
  };
}

interface Fixture {
  root: string;
  sandbox: string;
  input: string;
  cleanup(): Promise<void>;
}

async function fixture(files: Record<string, string>): Promise<Fixture> {
  const root = await Deno.makeTempDir({ prefix: "keeper-decide-" });
  const sandbox = join(root, "sandbox");
  const input = join(sandbox, "incoming");
  for (const [name, body] of Object.entries(files)) {
    const p = join(input, name);
    await Deno.mkdir(join(p, ".."), { recursive: true });
    await Deno.writeTextFile(p, body);
  }
  return { root, sandbox, input, cleanup: () => Deno.remove(root, { recursive: true }) };
}

async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else {
        const st = await Deno.stat(p);
        out.push(`${p} ${st.size} ${st.mtime?.getTime()} ${await sha(await Deno.readFile(p))}`);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

const now = () => new Date("2026-01-01T00:00:00Z");

Deno.test("decideFolder() keeps a lower stage when the higher one scores lower, and says why", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(60, "stage1.5_face_swapped")]: "AAAAAAAB q=3",
    [stageName(150, "stage2_upscaled")]: "AAAAAAAC q=0.2",
    [stageName(150, "stage2_upscaled").replace(".png", ".yaml")]: "prompt: x",
    "odd/lonely.png": "ZZZZZZZZ q=1",
  });
  try {
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    assert.equal(s.groups, 1);
    assert.equal(s.singletons, 1);
    const [d] = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.ok(d);
    assert.equal(d.project, "incoming");
    assert.equal(d.grouping, "stage_run");
    assert.deepEqual(d.images.map((i) => i.stage), [1, 1.5, 2]);
    assert.match(d.images[0]!.path, /^incoming\/20250708_060000_stage1_generated\.png$/);
    assert.equal(d.step1_selection.chosen_index, 1);
    assert.ok(d.flags.includes("anomaly_suspected"));
    assert.equal(d.step1_selection.auto_approvable, false);
    assert.ok(
      d.step1_selection.reasons.some((r) =>
        r.startsWith(
          "kept stage 1.5 over stage 2: stage 2 scored much lower on learned quality " +
            "(possible upscaler defect)",
        )
      ),
      d.step1_selection.reasons.join(" | "),
    );
    assert.deepEqual(d.step2_crop.box, [0.1, 0, 0.9, 0.76]);
    assert.match(d.step2_crop.reasons[0]!, /top-anchored crop .* bottom at 76%/);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() names the step that broke when it keeps a stage two below the top", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=3",
    [stageName(60, "stage1.5_face_swapped")]:
      "AAAAAAAB q=0.2 note=stage 1.5 vs stage 1: this step looks broken (90% by the step model)",
    [stageName(150, "stage2_upscaled")]: "AAAAAAAC q=0.1",
  });
  try {
    await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    const [d] = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.equal(d!.step1_selection.chosen_index, 0);
    assert.equal(
      d!.step1_selection.reasons[0],
      "kept stage 1 over stage 2: stage 2 scored much lower on learned quality (possible " +
        "face-swap defect); stage 1.5 vs stage 1: this step looks broken (90% by the step model)",
    );
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() leaves the input tree byte- and mtime-identical", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(80, "stage2_upscaled")]: "AAAAAAAB q=2",
    [stageName(80, "stage2_upscaled").replace(".png", ".caption")]: "a caption",
    "sub/copy1.png": "DUPDUPDU q=1",
    "sub/copy2.png": "DUPDUPDU q=1",
  });
  try {
    const before = await snapshot(fx.input);
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    assert.equal(s.groups, 2);
    assert.deepEqual(await snapshot(fx.input), before);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() is idempotent: a re-run skips decided groups; --force replaces them", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(80, "stage2_upscaled")]: "AAAAAAAB q=2",
    [stageName(900, "stage1_generated")]: "BBBBBBBB q=1",
    [stageName(990, "stage2_upscaled")]: "BBBBBBBC q=2",
  });
  try {
    const opts = { sandboxRoot: fx.sandbox, parts: fakeParts(), now };
    const out = join(fx.sandbox, "automation_decisions.jsonl");
    const first = await decideFolder(fx.input, opts);
    assert.deepEqual([first.decided, first.skipped], [2, 0]);
    const text = await Deno.readTextFile(out);
    const again = await decideFolder(fx.input, opts);
    assert.deepEqual([again.decided, again.skipped], [0, 2]);
    assert.equal(await Deno.readTextFile(out), text);
    const forced = await decideFolder(fx.input, { ...opts, force: true });
    assert.equal(forced.decided, 2);
    assert.equal((await readAutomationDecisions(out)).length, 2);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() turns an unreadable image into a flag, not a crash", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(70, "stage1.5_face_swapped")]: "AAAAAAAB q=2",
    [stageName(140, "stage2_upscaled")]: "BROKEN bytes",
  });
  try {
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    assert.equal(s.unreadable, 1);
    const [d] = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.ok(d !== undefined && d.flags.includes("unreadable_image"));
    assert.equal(d.images[2]!.width, 0);
    assert.equal(d.step1_selection.chosen_index, 1);
    assert.equal(d.step1_selection.auto_approvable, false);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() refuses outputs outside the sandbox or inside the input", async () => {
  const fx = await fixture({ [stageName(0, "stage1_generated")]: "AAAAAAAA" });
  try {
    const base = { sandboxRoot: fx.sandbox, parts: fakeParts(), now };
    await assert.rejects(
      () => decideFolder(fx.input, { ...base, out: join(fx.root, "elsewhere.jsonl") }),
      RangeError,
    );
    await assert.rejects(
      () => decideFolder(fx.input, { ...base, out: join(fx.sandbox, "..", "x.jsonl") }),
      RangeError,
    );
    await assert.rejects(
      () => decideFolder(fx.input, { ...base, out: join(fx.input, "d.jsonl") }),
      RangeError,
    );
    await assert.rejects(
      () =>
        decideFolder(fx.input, {
          sandboxRoot: fx.sandbox,
          models: join(fx.root, "none"),
          cacheDb: join(fx.input, "cache.sqlite"),
        }),
      RangeError,
    );
    await assert.rejects(() => Deno.stat(join(fx.root, "elsewhere.jsonl")), Deno.errors.NotFound);
    await assert.rejects(() => Deno.stat(join(fx.input, "cache.sqlite")), Deno.errors.NotFound);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() --order uncertain puts the least sure group first", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=0",
    [stageName(80, "stage2_upscaled")]: "AAAAAAAB q=6",
    [stageName(900, "stage1_generated")]: "BBBBBBBB q=1",
    [stageName(990, "stage2_upscaled")]: "BBBBBBBC q=1.1",
  });
  try {
    const opts = { sandboxRoot: fx.sandbox, parts: fakeParts(), now, order: "uncertain" as const };
    const s = await decideFolder(fx.input, opts);
    assert.equal(s.decided, 2);
    const ds = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.ok(ds[0]!.step1_selection.confidence < ds[1]!.step1_selection.confidence);
    assert.ok(ds[0]!.flags.includes("low_confidence"));
    assert.ok(ds[0]!.images[0]!.path.includes("060000") === false);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() splits six look-alikes into groups of at most four and flags the split", async () => {
  const files: Record<string, string> = {};
  for (const c of "ABCDEF") files[`look/v_${c}.png`] = `VVVVVVV${c} q=1`;
  files["look/other.png"] = "~~~~~~~~ q=1";
  const fx = await fixture(files);
  try {
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    const ds = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.ok(ds.length >= 2);
    assert.ok(ds.every((d) => d.images.length <= 4 && d.flags.includes("group_split")));
    assert.ok(ds.every((d) => d.grouping === "variant"));
    // All six look-alikes are in split groups (none left alone); the unrelated image stays alone.
    const grouped = ds.flatMap((d) => d.images.map((im) => im.path)).sort();
    assert.deepEqual(grouped, [..."ABCDEF"].map((c) => `incoming/look/v_${c}.png`));
    assert.equal(s.singletons, 1);
    assert.ok(ds.every((d) => d.step1_selection.auto_approvable === false));
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() keeps the first of exact duplicates, surely, whatever the ranker says", async () => {
  const fx = await fixture({ "dups/a.png": "SAMESAME q=1", "dups/b.png": "SAMESAME q=1" });
  try {
    await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    const [d] = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.ok(d !== undefined);
    assert.equal(d.grouping, "exact_duplicate");
    assert.equal(d.step1_selection.chosen, "incoming/dups/a.png");
    assert.equal(d.step1_selection.confidence, 1);
    assert.equal(d.images[0]!.sha256, d.images[1]!.sha256);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() says in the summary and in every reason when no trained model decided", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(60, "stage2_upscaled")]: "AAAAAAAB q=3",
    [stageName(9000, "stage1_generated")]: "CCCCCCCC q=1",
    [stageName(9000, "stage1_generated").replace("stage1_generated", "stage3_enhanced")]:
      "CCCCCCCD q=1",
  });
  try {
    const parts = fakeParts();
    parts.ranker = { ...parts.ranker, identity: "fallback:highest-stage" };
    // The fallback crop proposer keeps some images whole: its reason must still say so.
    parts.crop = {
      identity: "fallback:median-box",
      propose: () => ({ needs_crop: 0.1, box: [0, 0, 1, 1], confidence: 0 }),
    };
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts, now });
    assert.deepEqual(s.models, {
      ranker: { identity: "fallback:highest-stage", trained: false },
      crop: { identity: "fallback:median-box", trained: false },
    });
    const ds = await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"));
    assert.equal(ds.length, 2);
    for (const d of ds) {
      assert.ok(d.step1_selection.reasons.some((r) => r.includes("no trained ranker")));
      assert.ok(d.step2_crop.reasons.some((r) => r.includes("no trained crop model")));
    }
    const trained = await decideFolder(fx.input, {
      sandboxRoot: fx.sandbox,
      parts: fakeParts(),
      now,
      force: true,
    });
    assert.deepEqual(trained.models.ranker, { identity: "fake-ranker@1", trained: true });
    for (const d of await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"))) {
      assert.ok(!d.step1_selection.reasons.some((r) => r.includes("no trained ranker")));
      assert.ok(!d.step2_crop.reasons.some((r) => r.includes("no trained crop model")));
    }
  } finally {
    await fx.cleanup();
  }
});

Deno.test("decideFolder() names every image it did not use and why: undecodable, symlink, FIFO", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(70, "stage1.5_face_swapped")]: "AAAAAAAB q=2",
    [stageName(140, "stage2_upscaled")]: "BROKEN bytes",
  });
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  try {
    await Deno.writeTextFile(join(outside, "x.png"), "AAAAAAAC q=3");
    const link = join(fx.input, stageName(200, "stage3_enhanced"));
    await Deno.symlink(join(outside, "x.png"), link);
    const fifo = join(fx.input, stageName(210, "stage2_upscaled"));
    const mk = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.ok(mk.success, "mkfifo");
    await Deno.symlink(outside, join(fx.input, "linked_folder"));
    const s = await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    assert.equal(s.unreadable, 4);
    assert.deepEqual(
      s.unreadable_files,
      [
        { path: join(fx.input, stageName(140, "stage2_upscaled")), reason: "cannot decode" },
        { path: link, reason: "symlink" },
        { path: fifo, reason: "not_a_file" },
        { path: join(fx.input, "linked_folder"), reason: "symlinked_folder" },
      ].sort((a, b) => a.path < b.path ? -1 : 1),
    );
  } finally {
    await fx.cleanup();
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("decideFolder() sweeps the temp file a decide killed mid-write left beside automation_decisions.jsonl", async () => {
  const fx = await fixture({
    [stageName(0, "stage1_generated")]: "AAAAAAAA q=1",
    [stageName(60, "stage2_upscaled")]: "AAAAAAAB q=3",
  });
  try {
    // What writeFileAtomic leaves when killed between write and rename (pid long gone).
    const stale = join(fx.sandbox, ".automation_decisions.jsonl.99999999.0a1b2c3d.tmp");
    await Deno.writeTextFile(stale, '{"group_id":');
    await decideFolder(fx.input, { sandboxRoot: fx.sandbox, parts: fakeParts(), now });
    await assert.rejects(() => Deno.lstat(stale), Deno.errors.NotFound);
    assert.equal(
      (await readAutomationDecisions(join(fx.sandbox, "automation_decisions.jsonl"))).length,
      1,
    );
  } finally {
    await fx.cleanup();
  }
});
