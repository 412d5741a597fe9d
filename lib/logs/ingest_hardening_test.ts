/**
 * Issue #16 item 12, each attack reproduced: invalid UTF-8 in a path, a
 * 64 MB field and an over-long path, a FIFO and a link named `*.csv`, and a
 * user folder that happens to carry a project id.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ingestLogs } from "./mod.ts";
import type { Rejection } from "../types.ts";

const HEADER = "session_id,set_id,chosen_path,neg_paths,timestamp\n";
const enc = new TextEncoder();

function row(chosen: string, neg: string, ts = "20250727_224840"): string {
  return `s1,${ts},${chosen},"[""${neg}""]",${ts}\n`;
}

const P = "PROJECT_ROOT/training data/mojo1";

/** Peak resident memory of this process in MB (Linux), null elsewhere. */
function peakMb(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
    return m === null ? null : Number(m[1]) / 1024;
  } catch {
    return null;
  }
}

async function workspace(): Promise<{ dir: string; logs: string; projects: string }> {
  const dir = await Deno.makeTempDir({ prefix: "keeper-ingest-harden-" });
  const logs = join(dir, "logs");
  const projects = join(dir, "projects");
  await Deno.mkdir(logs);
  await Deno.mkdir(projects);
  for (const id of ["mojo1", "other"]) {
    await Deno.writeTextFile(
      join(projects, `${id}.project.json`),
      JSON.stringify({ projectId: id }),
    );
  }
  await Deno.writeTextFile(
    join(dir, "project_map.json"),
    JSON.stringify({ rules: [{ project: "other", path_glob: "/Users/**" }] }),
  );
  return { dir, logs, projects };
}

async function rejections(out: string): Promise<Rejection[]> {
  const text = await Deno.readTextFile(join(out, "rejections.jsonl"));
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

Deno.test("ingestLogs() rejects invalid UTF-8 (bad_encoding) and a 64 MB field or long path (field_too_long) in bounded memory", async () => {
  const w = await workspace();
  try {
    const file = join(w.logs, "selection_log.csv");
    const f = await Deno.open(file, { write: true, create: true });
    await f.write(enc.encode(HEADER));
    await f.write(
      enc.encode(
        row(
          `${P}/a_20250727_224840_stage2_upscaled.png`,
          `${P}/a_20250727_224840_stage1_generated.png`,
        ),
      ),
    );
    // line 3: a 0xFF byte in the chosen path
    await f.write(
      new Uint8Array([
        ...enc.encode(`s1,2,${P}/b`),
        0xff,
        ...enc.encode(`_stage2_upscaled.png,"[""${P}/b_stage1_generated.png""]",20250727_224841\n`),
      ]),
    );
    // line 4: a 64 MB quoted field
    await f.write(enc.encode(`s1,3,${P}/c_stage2_upscaled.png,"[""${P}/c`));
    const block = enc.encode("x".repeat(1 << 20));
    for (let i = 0; i < 64; i++) await f.write(block);
    await f.write(enc.encode(`_stage1_generated.png""]",20250727_224842\n`));
    // line 5: a 5000-character path
    await f.write(
      enc.encode(
        row(`${P}/${"d".repeat(5000)}_stage2_upscaled.png`, `${P}/d_stage1_generated.png`),
      ),
    );
    // line 6: fine again (line numbers still right after the cut line)
    await f.write(
      enc.encode(
        row(
          `${P}/e_20250727_224850_stage2_upscaled.png`,
          `${P}/e_20250727_224850_stage1_generated.png`,
          "20250727_224850",
        ),
      ),
    );
    f.close();

    const out = join(w.dir, "out");
    // Warm up (modules, JIT) on an empty folder so the peak measures the big line only.
    await ingestLogs(w.projects, { outDir: null });
    const before = peakMb();
    const s = await ingestLogs(w.logs, {
      projectsDir: w.projects,
      projectMap: join(w.dir, "project_map.json"),
      outDir: out,
    });
    const after = peakMb();
    assert.deepEqual(s.selection.rejected, { bad_encoding: 1, field_too_long: 2 });
    assert.equal(s.selection.sets, 2);
    const r = (await rejections(out)).map((x) => [x.line, x.reason, x.field]);
    assert.deepEqual(r, [
      [3, "bad_encoding", "chosen_path"],
      [4, "field_too_long", "neg_paths"],
      [5, "field_too_long", "chosen_path"],
    ]);
    const stored = await Deno.readTextFile(join(out, "selections.jsonl"));
    assert.ok(!stored.includes("\uFFFD"), "nothing stored with U+FFFD");
    assert.ok(stored.length < 10_000, `selections.jsonl is ${stored.length} bytes`);
    // Today's parser held the whole field (+190 MB peak for 64 MB); the cut line keeps
    // ~1 MB, the rest of the growth is read buffers awaiting collection (~43 MB measured).
    if (before !== null && after !== null) {
      assert.ok(after - before < 110, `peak memory grew by ${(after - before).toFixed(0)} MB`);
    }
  } finally {
    await Deno.remove(w.dir, { recursive: true });
  }
});

Deno.test("ingestLogs() lists a FIFO and a link named *.csv as left out, and reads neither", async () => {
  const w = await workspace();
  try {
    const outside = join(w.dir, "outside.csv");
    await Deno.writeTextFile(
      outside,
      HEADER + row(`${P}/a_stage2_upscaled.png`, `${P}/a_stage1_generated.png`),
    );
    await Deno.symlink(outside, join(w.logs, "linked.csv"));
    const mk = await new Deno.Command("mkfifo", { args: [join(w.logs, "pipe.csv")] }).output();
    assert.ok(mk.success);
    const s = await ingestLogs(w.logs, { projectsDir: w.projects, outDir: null });
    assert.deepEqual(s.left_out, [
      { file: `${w.logs}/linked.csv`, reason: "symlink" },
      { file: `${w.logs}/pipe.csv`, reason: "not_a_file" },
    ]);
    assert.deepEqual(s.files, []);
    assert.equal(s.selection.sets, 0);
  } finally {
    await Deno.remove(w.dir, { recursive: true });
  }
});

Deno.test("ingestLogs() does not trust a project id in a user folder outside known roots over the map: the map decides, the conflict is flagged", async () => {
  const w = await workspace();
  try {
    await Deno.writeTextFile(
      join(w.logs, "selection_log.csv"),
      HEADER +
        row(
          "/Users/mojo1/work/crop/20250727_224840_stage2_upscaled.png",
          "/Users/mojo1/work/crop/20250727_224840_stage1_generated.png",
        ) +
        row(`${P}/a_stage2_upscaled.png`, `${P}/a_stage1_generated.png`, "20250727_224841"),
    );
    const mapped = await ingestLogs(w.logs, {
      projectsDir: w.projects,
      projectMap: join(w.dir, "project_map.json"),
      outDir: null,
    });
    assert.deepEqual(mapped.selection.by_project, { other: 1, mojo1: 1 });
    assert.equal(mapped.projects.conflicts.count, 2);
    assert.deepEqual(mapped.projects.conflicts.examples[0], {
      path: "/Users/mojo1/work/crop/20250727_224840_stage2_upscaled.png",
      folder: "mojo1",
      resolved: "other",
    });
    // No map, no log column: the folder name is the last resort, and no conflict.
    const bare = await ingestLogs(w.logs, { projectsDir: w.projects, outDir: null });
    assert.deepEqual(bare.selection.by_project, { mojo1: 2 });
    assert.equal(bare.projects.conflicts.count, 0);
  } finally {
    await Deno.remove(w.dir, { recursive: true });
  }
});
