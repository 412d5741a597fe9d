import assert from "node:assert/strict";
import { evaluateGrouping, groupImages, scoreGrouping } from "./mod.ts";
import { findStageRuns } from "./find_stage_runs.ts";
import { groupByContent } from "./group_by_content.ts";
import { stripStageName } from "./evaluate_grouping.ts";
import type { ContentFile } from "./mod.ts";

/** Name a stage file `sec` seconds after 2025-07-08 06:00:00. */
function stageName(dir: string, sec: number, stage: string): string {
  const d = new Date(Date.UTC(2025, 6, 8, 6, 0, 0) + sec * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  const ts = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return `${dir}/${ts}_${stage}.png`;
}
const S1 = "stage1_generated", S15 = "stage1.5_face_swapped", S2 = "stage2_upscaled";
const S3 = "stage3_enhanced";

/** Deterministic unit vector near `base` (seeded LCG). */
function vec(seed: number, base: number, noise: number): Float32Array {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  let b = base >>> 0;
  const brnd = () => ((b = (Math.imul(b, 22695477) + 1) >>> 0) / 2 ** 32) - 0.5;
  const v = new Float32Array(32).map(() => brnd() + noise * rnd());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

Deno.test("findStageRuns() follows 1 → 1.5 → 2 → 3 and tolerates a missing stage", () => {
  const a = [stageName("d", 0, S1), stageName("d", 60, S15), stageName("d", 150, S2)];
  const b = [stageName("d", 300, S1), stageName("d", 400, S2), stageName("d", 500, S3)];
  const { runs, leftover } = findStageRuns([...b, ...a].reverse());
  assert.deepEqual(runs, [a, b]);
  assert.deepEqual(leftover, []);
});

Deno.test("findStageRuns() starts a new run at a repeated or lower stage", () => {
  const lone = stageName("d", 0, S1);
  const run = [stageName("d", 40, S1), stageName("d", 90, S2)];
  const next = [stageName("d", 200, S15), stageName("d", 260, S3)];
  const { runs, leftover } = findStageRuns([lone, ...run, ...next]);
  assert.deepEqual(runs, [run, next]);
  assert.deepEqual(leftover, [lone]);
});

Deno.test("findStageRuns() ends a run where a lower stage shows a new series began", () => {
  // Same second sorts by stage; stage 2 then stage 1.5 means a reset between them.
  const files = [stageName("d", 0, S1), stageName("d", 30, S2), stageName("d", 40, S15)];
  const { runs, leftover } = findStageRuns(files);
  assert.deepEqual(runs, [[files[0], files[1]]]);
  assert.deepEqual(leftover, [files[2]]);
});

Deno.test("findStageRuns() skips files that canLink rejects (interleaved batches)", () => {
  const a1 = stageName("d", 0, S1), b1 = stageName("d", 20, S1);
  const a2 = stageName("d", 90, S2), b2 = stageName("d", 110, S2);
  const same = (x: string, y: string) => (x === a1 || x === a2) === (y === a1 || y === a2);
  assert.deepEqual(findStageRuns([a1, b1, a2, b2], { canLink: same }).runs, [[a1, a2], [b1, b2]]);
  // Without the content check the batch is ambiguous; the reset rule keeps a1 alone.
  assert.deepEqual(findStageRuns([a1, b1, a2, b2]).leftover.includes(a1), true);
});

Deno.test("findStageRuns() splits at a time gap larger than maxGapSeconds", () => {
  const files = [stageName("d", 0, S1), stageName("d", 3600, S2)];
  assert.deepEqual(findStageRuns(files).runs, []);
  assert.equal(findStageRuns(files, { maxGapSeconds: 4000 }).runs.length, 1);
});

Deno.test("findStageRuns() never links files of different directories", () => {
  const files = [stageName("d1", 0, S1), stageName("d2", 60, S2), stageName("d1", 120, S2)];
  const { runs, leftover } = findStageRuns(files);
  assert.deepEqual(runs, [[files[0], files[2]]]);
  assert.deepEqual(leftover, [files[1]]);
});

Deno.test("findStageRuns() respects the lookahead window", () => {
  const pair = [stageName("d", 0, S2), stageName("d", 10, S3)];
  assert.equal(findStageRuns(pair, { lookahead: 1 }).runs.length, 1);
  assert.equal(findStageRuns(pair, { lookahead: 0 }).runs.length, 0);
});

Deno.test("groupByContent() groups exact duplicates by hash and leaves singletons", () => {
  const files: ContentFile[] = [
    { path: "d/a.png", sha256: "h1", phash: [0, 0] },
    { path: "d/b.png", sha256: "h1", phash: [0xffffffff, 0xffffffff] },
    { path: "d/c.png", sha256: "h2", phash: [0xffff0000, 0xffff] },
  ];
  const out = groupByContent(files);
  assert.deepEqual(out.groups, [{
    kind: "exact_duplicate",
    members: ["d/a.png", "d/b.png"],
    split: false,
  }]);
  assert.deepEqual(out.singletons, ["d/c.png"]);
});

Deno.test("groupByContent() needs both the pHash prefilter and the cosine threshold", () => {
  const near = vec(1, 7, 0.1), near2 = vec(2, 7, 0.1), other = vec(3, 99, 0.1);
  const files: ContentFile[] = [
    { path: "d/a.png", phash: [0, 0], embedding: near },
    { path: "d/b.png", phash: [0, 0xfff], embedding: near2 }, // close in both
    { path: "d/c.png", phash: [0xf, 0], embedding: other }, // pHash close, embedding far
    { path: "d/e.png", phash: [0xffffffff, 0], embedding: vec(4, 7, 0.1) }, // embedding close, pHash far
  ];
  const out = groupByContent(files);
  assert.deepEqual(out.groups.map((g) => g.members), [["d/a.png", "d/b.png"]]);
  assert.equal(out.groups[0]!.kind, "variant");
  assert.deepEqual(out.singletons.sort(), ["d/c.png", "d/e.png"]);
  // Without embeddings only the stricter pHash threshold links.
  const bare = files.map(({ path, phash }) => ({ path, phash: phash ?? null }));
  assert.deepEqual(groupByContent(bare).groups.map((g) => g.members), [["d/a.png", "d/c.png"]]);
});

Deno.test("groupByContent() splits six variants into groups of at most four by similarity", () => {
  // Two tight clusters chained by a loose bridge: {a0..a3} and {b0, b1}.
  const files: ContentFile[] = [];
  for (let i = 0; i < 4; i++) {
    files.push({ path: `d/a${i}.png`, phash: [0, i], embedding: vec(10 + i, 5, 0.05) });
  }
  for (let i = 0; i < 2; i++) {
    files.push({ path: `d/b${i}.png`, phash: [0, 8 + i], embedding: vec(20 + i, 5, 0.3) });
  }
  const out = groupByContent(files, { variantCosineMin: 0.8 });
  assert.ok(out.groups.every((g) => g.members.length <= 4 && g.split));
  const a = out.groups.find((g) => g.members.includes("d/a0.png"))!;
  assert.deepEqual(a.members, ["d/a0.png", "d/a1.png", "d/a2.png", "d/a3.png"]);
  const total = out.groups.reduce((s, g) => s + g.members.length, 0) + out.singletons.length;
  assert.equal(total, 6);
});

Deno.test("groupImages() runs stage names first and groups the rest by content", () => {
  const run = [stageName("d", 0, S1), stageName("d", 80, S2)];
  const lone = stageName("d", 5000, S1);
  const files: ContentFile[] = [
    ...run.map((path) => ({ path })),
    { path: lone, sha256: "x", phash: [1, 1] },
    { path: "d/copy of it.png", sha256: "x", phash: [1, 1] },
    { path: "d/alone.png", sha256: "y", phash: [0xffffffff, 1] },
  ];
  const g = groupImages(files);
  assert.deepEqual(g.groups.map((x) => [x.kind, x.members]), [
    ["stage_run", run],
    ["exact_duplicate", [lone, "d/copy of it.png"]],
  ]);
  assert.deepEqual(g.singletons, ["d/alone.png"]);
  assert.deepEqual(g.counts, {
    stage_run: 1,
    exact_duplicate: 1,
    variant: 0,
    singletons: 1,
    split: 0,
  });
  const contentOnly = groupImages(files, { stageRuns: false });
  assert.equal(contentOnly.counts.stage_run, 0);
  assert.equal(contentOnly.singletons.length, 3);
});

Deno.test("scoreGrouping() counts pairs: a false merge lowers precision, a miss lowers recall", () => {
  const truth = [["a", "b", "c"], ["d", "e"], ["f"]];
  assert.deepEqual(scoreGrouping(truth, truth).f1, 1);
  const merged = scoreGrouping([["a", "b", "c", "d", "e"]], truth);
  assert.equal(merged.recall, 1);
  assert.equal(merged.precision, 4 / 10);
  const missed = scoreGrouping([["a", "b"], ["d", "e"]], truth);
  assert.equal(missed.precision, 1);
  assert.equal(missed.recall, 2 / 4);
  assert.equal(missed.missed_pairs, 2);
  const unknown = scoreGrouping([["a", "b", "zz"]], truth);
  assert.equal(unknown.precision, 1);
});

Deno.test("groupByContent() links timestamped variants only within the time window", () => {
  const near = vec(31, 3, 0.05), near2 = vec(32, 3, 0.05);
  const files: ContentFile[] = [
    { path: "d/20250708_060000.png", sha256: "1", phash: [0, 0], embedding: near },
    { path: "d/20250709_060000.png", sha256: "2", phash: [0, 1], embedding: near2 },
    { path: "d/20250710_060000.png", sha256: "1", phash: [0, 0], embedding: near },
  ];
  const out = groupByContent(files, { variantWindowSeconds: 3600 });
  // The day-apart variant stays alone; the exact duplicate joins across days.
  assert.deepEqual(out.groups.map((g) => [g.kind, g.members]), [
    ["exact_duplicate", ["d/20250708_060000.png", "d/20250710_060000.png"]],
  ]);
  assert.equal(groupByContent(files, { variantWindowSeconds: null }).groups[0]!.members.length, 3);
});

Deno.test("evaluateGrouping() scores stage names and content alone separately", () => {
  // Two stage runs; the second run's images look unrelated (no content link).
  const a = [stageName("d", 0, S1), stageName("d", 60, S2)];
  const b = [stageName("d", 300, S1), stageName("d", 360, S2)];
  const files: ContentFile[] = [
    { path: a[0]!, sha256: "1", phash: [0, 0] },
    { path: a[1]!, sha256: "2", phash: [0, 3] },
    { path: b[0]!, sha256: "3", phash: [0x0f0f0f0f, 0x0f0f0f0f] },
    { path: b[1]!, sha256: "4", phash: [-1, -1] },
  ];
  const e = evaluateGrouping(files, [a, b]);
  assert.equal(e.stage_names.f1, 1);
  assert.equal(e.content_only.precision, 1);
  assert.equal(e.content_only.recall, 0.5);
  assert.equal(
    stripStageName("x/20250708_064118_stage1.5_face_swapped.png"),
    "x/20250708_064118.png",
  );
});
