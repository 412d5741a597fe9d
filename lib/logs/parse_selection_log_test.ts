import assert from "node:assert/strict";
import { buildProjectIndex, parseProjectManifest, ProjectResolver } from "../paths/mod.ts";
import { parseSelectionLog } from "./parse_selection_log.ts";

const HEADER = "session_id,set_id,chosen_path,neg_paths,timestamp";
const resolver = new ProjectResolver({
  index: buildProjectIndex(["mojo1", "mojo2"].map((id) => parseProjectManifest({ projectId: id }))),
});

async function withLog(text: string, fn: (file: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/selection_only_log.csv`;
    await Deno.writeTextFile(file, text);
    await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const row = (chosen: string, negs: string[], set = "g1") =>
  `s1,${set},${chosen},"${JSON.stringify(negs).replaceAll('"', '""')}",20250727_224840`;

Deno.test("parseSelectionLog() reads a JSON list quoted inside one field", async () => {
  await withLog(
    [
      HEADER,
      row("mojo1/a_stage2_upscaled.png", [
        "mojo1/a_stage1_generated.png",
        "mojo1/a_stage1.5_face_swapped.png",
      ]),
    ]
      .join("\n"),
    async (file) => {
      const { sets, rejections } = await parseSelectionLog(file, { resolver });
      assert.equal(rejections.length, 0);
      assert.equal(sets.length, 1);
      const s = sets[0]!;
      assert.equal(s.project, "mojo1");
      assert.deepEqual(s.rejected.map((r) => r.stage), [1, 1.5]);
      assert.equal(s.timestamp, "2025-07-27T22:48:40.000Z");
      assert.deepEqual(s.source.line, 2);
    },
  );
});

Deno.test("parseSelectionLog() handles BOM, CRLF and empty lines with true line numbers", async () => {
  const text = "\uFEFF" + [
    HEADER,
    row("mojo1/a_stage2_upscaled.png", ["mojo1/a_stage1_generated.png"]),
    "",
    row("mojo1/b_stage2_upscaled.png", ["mojo1/b_stage1_generated.png"], "g2"),
    "",
  ].join("\r\n");
  await withLog(text, async (file) => {
    const { sets, rejections } = await parseSelectionLog(file, { resolver });
    assert.equal(rejections.length, 0);
    assert.deepEqual(sets.map((s) => [s.set_id, s.source.line]), [["g1", 2], ["g2", 4]]);
    assert.equal(sets[0]!.session_id, "s1");
  });
});

Deno.test("parseSelectionLog() rejects extra and missing columns with their line", async () => {
  const text = [
    HEADER,
    // An unquoted JSON list spills into extra fields (the column-shift corruption).
    's1,g1,mojo1/a_stage2_upscaled.png,["mojo1/a_stage1_generated.png", "mojo1/x.png"],20250727_224840',
    "s1,g2,mojo1/b_stage2_upscaled.png",
  ].join("\n");
  await withLog(text, async (file) => {
    const { sets, rejections } = await parseSelectionLog(file, { resolver });
    assert.equal(sets.length, 0);
    assert.deepEqual(rejections.map((r) => [r.line, r.reason]), [[2, "extra_columns"], [
      3,
      "missing_columns",
    ]]);
  });
});

Deno.test("parseSelectionLog() rejects unresolvable and mixed-project sets, never guessing", async () => {
  const text = [
    HEADER,
    row("crop/a_stage2_upscaled.png", ["crop/a_stage1_generated.png"]),
    row("mojo1/b_stage2_upscaled.png", ["mojo2/b_stage1_generated.png"], "g2"),
    `s1,g3,mojo1/c.png,not a list,20250727_224840`,
  ].join("\n");
  await withLog(text, async (file) => {
    const { sets, rejections } = await parseSelectionLog(file, { resolver });
    assert.equal(sets.length, 0);
    assert.deepEqual(rejections.map((r) => r.reason), [
      "unresolved_project",
      "mixed_projects",
      "bad_path_list",
    ]);
    assert.equal(rejections[0]!.field, "chosen_path");
  });
});

Deno.test("parseSelectionLog() keeps unknown stages explicit (null) and counts them", async () => {
  await withLog(
    [HEADER, row("mojo1/a_stage9_mystery.png", ["mojo1/a_stage1_generated.png"])].join("\n"),
    async (file) => {
      const { sets, counts } = await parseSelectionLog(file, { resolver });
      assert.equal(sets[0]!.chosen.stage, null);
      assert.equal(counts["unknown_stage"], 1);
    },
  );
});

Deno.test("parseSelectionLog() flags members in different work folders, not delivered copies", async () => {
  const text = [
    HEADER,
    row("mojo1_final/_char/a_stage1_generated.png", ["mojo1/a_stage1.5_face_swapped.png"]),
    row("mojo1/tara/b_stage1_generated.png", ["mojo1/faces/b_stage2_upscaled.png"], "g2"),
  ].join("\n");
  await withLog(text, async (file) => {
    const { sets } = await parseSelectionLog(file, { resolver });
    assert.deepEqual(sets.map((s) => s.mixed_directories), [false, true]);
  });
});

Deno.test("parseSelectionLog() reads the real historical log: 23 sets of stage 1 vs 1.5", async () => {
  const file = new URL("../../data/original/training/historical_selection_log.csv", import.meta.url)
    .pathname;
  const { sets, rejections } = await parseSelectionLog(file, { resolver });
  assert.equal(rejections.length, 0);
  assert.equal(sets.length, 23);
  assert.ok(sets.every((s) => s.kind === "extraction" && s.project === "mojo1"));
  const stage1Chosen = sets.filter((s) => s.chosen.stage === 1 && s.rejected[0]?.stage === 1.5);
  assert.equal(stage1Chosen.length, 14);
  assert.ok(sets.every((s) => !s.mixed_directories));
});
