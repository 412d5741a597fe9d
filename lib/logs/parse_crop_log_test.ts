import assert from "node:assert/strict";
import {
  buildProjectIndex,
  parseProjectManifest,
  parseProjectMap,
  ProjectResolver,
} from "../paths/mod.ts";
import { parseCropLog } from "./mod.ts";
import { normalizeCropBox } from "./parse_crop_log.ts";

const HEADER = "session_id,set_id,directory,image_count,chosen_index,chosen_path," +
  "crop_x1,crop_y1,crop_x2,crop_y2,timestamp,image_0_path,image_0_stage,width_0,height_0," +
  "image_1_path,image_1_stage,width_1,height_1";
const map = parseProjectMap({
  rules: [
    { project: "mojo1", session_from: "2025-10-01", session_to: "2025-10-11" },
    { project: "mojo2", session_from: "2025-10-12", session_to: "2025-10-20" },
  ],
});
const resolver = new ProjectResolver({
  index: buildProjectIndex(["mojo1", "mojo2"].map((id) => parseProjectManifest({ projectId: id }))),
  map,
});

function row(
  coords: string,
  opts: { path?: string; session?: string; w?: number; h?: number } = {},
) {
  const path = opts.path ?? "crop/20250705_230713_stage3_enhanced.png";
  const session = opts.session ?? "2025-10-08 14:46:56";
  return `${session},crop_x,crop,1,0,${path},${coords},2025-10-08T18:47:32Z,${path},stage3_enhanced,` +
    `${opts.w ?? 3072},${opts.h ?? 3072},,,,`;
}

async function withLog(lines: string[], fn: (file: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/select_crop_log.csv`;
    await Deno.writeTextFile(file, lines.join("\n") + "\n");
    await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("normalizeCropBox() divides pixels by the image size and keeps normalised boxes", () => {
  const px = normalizeCropBox([0, 66, 1787, 1853], [3072, 3072]);
  assert.ok(px.ok && px.units === "pixel" && !px.noCrop);
  if (px.ok) assert.ok(Math.abs(px.box[2] - 1787 / 3072) < 1e-12);
  const n = normalizeCropBox([0, 0.0673828125, 0.54736328125, 0.61474609375], [2048, 2048]);
  assert.ok(n.ok && n.units === "normalized");
});

Deno.test("normalizeCropBox() reads full frame and W-1,H-1 as no crop, 0,0,1,1 as placeholder", () => {
  const full = normalizeCropBox([0, 0, 832, 1216], [832, 1216]);
  assert.ok(full.ok && full.noCrop);
  if (full.ok) assert.deepEqual(full.box, [0, 0, 1, 1]);
  const minus1 = normalizeCropBox([0, 0, 2047, 2047], [2048, 2048]);
  assert.ok(minus1.ok && minus1.noCrop);
  const almost = normalizeCropBox([0, 0, 2040, 2047], [2048, 2048]);
  assert.ok(almost.ok && !almost.noCrop);
  assert.deepEqual(normalizeCropBox([0, 0, 1, 1], [2048, 2048]), {
    ok: false,
    reason: "placeholder_box",
  });
});

Deno.test("normalizeCropBox() clamps into [0, 1] and counts each clamp", () => {
  const b = normalizeCropBox([-10, 0, 1100, 900], [1024, 1024]);
  assert.ok(b.ok);
  if (b.ok) {
    assert.equal(b.clamped, 2);
    assert.deepEqual([b.box[0], b.box[2]], [0, 1]);
  }
  assert.deepEqual(normalizeCropBox([500, 10, 400, 20], [1024, 1024]), {
    ok: false,
    reason: "empty_box",
  });
});

Deno.test("parseCropLog() assigns projects from the project map by session date", async () => {
  await withLog([
    HEADER,
    row("0.0,66.0,1787.0,1853.0"),
    row("0,0,3072,3072", { session: "2025-10-16 15:02:35" }),
    row("0,0,100,100", { session: "2025-10-25 10:00:00" }),
  ], async (file) => {
    // A project map alone is enough (no resolver, no manifests).
    const { labels, rejections } = await parseCropLog(file, { projectMap: map });
    assert.deepEqual(labels.map((l) => [l.project, l.no_crop]), [["mojo1", false], [
      "mojo2",
      true,
    ]]);
    assert.deepEqual(rejections.map((r) => [r.line, r.reason]), [[4, "unresolved_project"]]);
  });
});

Deno.test("parseCropLog() rejects bad rows with their reason and line", async () => {
  await withLog([
    HEADER,
    row("0,0,1,1"),
    row(",,,"),
    row("0,abc,100,100"),
    row("0,0,100,100") + ",extra",
    "2025-10-08 14:46:56,crop_x,crop,1,0,crop/a.png,0,0,100,100",
    row("0,0,100,100", { w: 0, h: 0 }),
  ], async (file) => {
    const { labels, rejections } = await parseCropLog(file, { resolver });
    assert.equal(labels.length, 0);
    assert.deepEqual(rejections.map((r) => [r.line, r.reason]), [
      [2, "placeholder_box"],
      [3, "no_coordinates"],
      [4, "non_numeric_coordinate"],
      [5, "extra_columns"],
      [6, "missing_columns"],
      [7, "missing_dimensions"],
    ]);
    assert.equal(rejections[2]!.field, "crop_y1");
  });
});

Deno.test("parseCropLog() keeps a repeated crop of the same image but flags it recrop", async () => {
  await withLog([
    HEADER,
    row("0,66,1787,1853"),
    row("0,0,1787,1787", { path: "crop/hannah/20250705_230713_stage3_enhanced.png" }),
  ], async (file) => {
    const { labels } = await parseCropLog(file, { resolver });
    assert.deepEqual(labels.map((l) => l.recrop === true), [false, true]);
  });
});

Deno.test("parseCropLog() turns a choice among two images into a selection set too", async () => {
  const line = "2025-10-04 21:23:51,t_1,mojo1,2,1,mojo1/x_stage2_upscaled.png," +
    "0.0,0.06,0.54,0.60,2025-10-05T01:24:18Z,mojo1/x_stage1_generated.png,stage1_generated,1024,1024," +
    "mojo1/x_stage2_upscaled.png,stage2_upscaled,2048,2048";
  await withLog([HEADER, line], async (file) => {
    const { labels, sets } = await parseCropLog(file, { resolver });
    assert.equal(labels[0]!.units, "normalized");
    assert.equal(labels[0]!.width, 2048);
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.chosen.stage, 2);
    assert.deepEqual(sets[0]!.rejected.map((r) => r.stage), [1]);
  });
});
