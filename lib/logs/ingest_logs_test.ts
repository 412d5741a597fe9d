import assert from "node:assert/strict";
import { ingestLogs, readIngested } from "./mod.ts";

const ORIGINAL = new URL("../../data/original/", import.meta.url).pathname;

Deno.test("ingestLogs() on the creator's real logs gives the documented counts", async () => {
  const out = await Deno.makeTempDir();
  try {
    const s = await ingestLogs(`${ORIGINAL}training`, {
      projectsDir: `${ORIGINAL}projects`,
      projectMap: `${ORIGINAL}project_map.json`,
      outDir: out,
    });
    assert.equal(s.crops.rows, 7194);
    assert.equal(s.crops.pixel_rows, 7193);
    assert.equal(s.crops.normalized_rows, 1);
    assert.equal(s.crops.no_crop, 553);
    assert.equal(s.crops.no_crop_exact, 549);
    assert.equal(s.crops.no_crop_within_1px, 4);
    assert.deepEqual(s.crops.by_project, { mojo1: 3979, mojo2: 3215 });
    assert.deepEqual(s.crops.rejected, {});
    assert.equal(s.crops.recrops, 95);
    assert.equal(s.crops.recropped_images, 93);
    assert.equal(s.anomalies.sets, 518);
    assert.equal(s.anomalies.pairs, 998);
    assert.equal(s.anomalies.mixed_directories, 4);
    assert.equal(s.anomalies.stage_column_mismatch, 0);
    assert.deepEqual(s.anomalies.by_project, {
      "tattersail-0918": 187,
      "1101_hailey": 111,
      "1100": 71,
      "1011": 27,
      "agent-1002": 25,
      "mojo2": 22,
      "1012": 17,
      "agent-1001": 15,
      "agent-1003": 15,
      "jmlimages-random": 12,
      "aiko_raw": 6,
      "mojo1": 5,
      "1013": 5,
    });
    // historical + mojo1 selection logs hold the same 23 pairs; plus one 2-image crop-log row.
    assert.equal(s.selection.duplicates, 23);
    assert.deepEqual(s.selection.by_kind, { extraction: 23, selection_log: 1 });
    assert.equal(s.kept.labels, 5156);

    const store = await readIngested(out);
    assert.equal(store.crops.length, 7194 - 95);
    assert.equal((await readIngested(out, { recrops: true })).crops.length, 7194);
    assert.equal(store.selections.length, 518 + 24);
    for (const c of store.crops) {
      const [x1, y1, x2, y2] = c.box;
      assert.ok(0 <= x1 && x1 < x2 && x2 <= 1 && 0 <= y1 && y1 < y2 && y2 <= 1);
      assert.ok(Math.abs((x2 - x1) - (y2 - y1)) < 0.002, "aspect kept");
    }
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    assert.equal(summary.crops.rows, 7194);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("ingestLogs() finds logs in sub-folders and takes the project from a manifest beside them", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const p of ["alpha", "beta"]) {
      await Deno.mkdir(`${root}/${p}`);
      await Deno.writeTextFile(`${root}/${p}/${p}.project.json`, JSON.stringify({ projectId: p }));
      await Deno.writeTextFile(
        `${root}/${p}/selection_only_log.csv`,
        "session_id,set_id,chosen_path,neg_paths,timestamp\n" +
          `s,g1,PROJECT_ROOT/raw/a_stage2_upscaled.png,"[""PROJECT_ROOT/raw/a_stage1_generated.png""]",t\n`,
      );
    }
    await Deno.writeTextFile(`${root}/notes.csv`, "a,b\n1,2\n");
    const s = await ingestLogs(root, { outDir: null });
    assert.deepEqual(s.selection.by_project, { alpha: 1, beta: 1 });
    assert.deepEqual(s.selection.rejected, {});
    assert.deepEqual(s.files.map((f) => f.format), ["selection_log", "selection_log", "unknown"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ingestLogs() rejects an unresolvable crop log row instead of guessing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const src = await Deno.readTextFile(`${ORIGINAL}training/select_crop_log.csv`);
    await Deno.writeTextFile(`${root}/select_crop_log.csv`, src.split("\n").slice(0, 4).join("\n"));
    const s = await ingestLogs(root, { outDir: null, projectsDir: `${ORIGINAL}projects` });
    // Row 1 lives in mojo1/, the others in crop/ with no project and no map.
    assert.deepEqual(s.crops.by_project, { mojo1: 1 });
    assert.deepEqual(s.crops.rejected, { unresolved_project: 2 });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
