import assert from "node:assert/strict";
import type { GroupMemberInput, Stage } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";
import { SIGNATURE_GRID, SIGNATURE_SIZE, TRANSITION_FEATURES } from "../signature/mod.ts";
import {
  rankInputSize,
  TRANSITION_COLUMNS,
  transitionNotes,
  transitionReference,
  writeGroupInputs,
} from "./rank_features.ts";
import type { RankFeatureLayout } from "./rank_features.ts";

function member(stage: Stage, signature: Float32Array): GroupMemberInput {
  return {
    path: `${stage}.png`,
    project: "p",
    stage,
    width: 64,
    height: 64,
    features: {
      sha256: String(stage),
      width: 64,
      height: 64,
      phash: [0, 0],
      builtin: new Float32Array([1, 2]),
      embedding: null,
      blocks: { signature: signature },
    },
  };
}

Deno.test("writeGroupInputs() carries a defect's transition into every later stage", () => {
  const rand = mulberry32(7);
  const base = new Float32Array(SIGNATURE_SIZE).map(() => 0.3 + 0.4 * rand());
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  // Stage 1.5 pastes something bright into a 4×4-cell patch; stage 2 upscales it faithfully.
  const broken = Float32Array.from(base);
  for (let y = 10; y < 14; y++) for (let x = 10; x < 14; x++) broken[y * SIGNATURE_GRID + x] = 1;
  for (let c = 1; c < 3; c++) {
    broken.fill(0.9, c * g2 + 5 * SIGNATURE_GRID, c * g2 + 6 * SIGNATURE_GRID);
  }
  const members = [member(1, base), member(1.5, broken), member(2, Float32Array.from(broken))];
  const layout: RankFeatureLayout = {
    image: { builtin: 2, embedding: 0, blocks: [] },
    deltas: true,
    transitions: true,
  };
  const d = rankInputSize(layout);
  const out = new Float32Array(3 * d);
  writeGroupInputs(members, layout, out, 0);
  const t0 = d - TRANSITION_COLUMNS, peak = TRANSITION_FEATURES.indexOf("residual_peak");
  const row = (i: number) => out.subarray(i * d + t0, (i + 1) * d);
  const n = TRANSITION_FEATURES.length;
  assert.equal(row(0)[0], 0, "the lowest stage has no transition");
  assert.equal(row(1)[0], 1);
  assert.ok(row(1)[1 + peak]! > 0.1, "stage 1.5's own transition shows the patch");
  assert.ok(Math.abs(row(2)[1 + peak]!) < 1e-6, "stage 2's own transition is clean");
  assert.ok(row(2)[1 + n + peak]! >= row(1)[1 + peak]! - 1e-6, "but it inherits the defect");
  // Without the layout flag there are no transition columns.
  assert.equal(rankInputSize({ ...layout, transitions: false }), d - TRANSITION_COLUMNS);
});

Deno.test("transitionNotes() names an unusual step against what normal steps look like", () => {
  const rand = mulberry32(11);
  const noisy = (s: Float32Array) => s.map((v) => v + (rand() - 0.5) * 0.01);
  const base = () => new Float32Array(SIGNATURE_SIZE).map(() => 0.3 + 0.4 * rand());
  // Thirty healthy groups: each step changes the picture only by a little noise.
  const clean = Array.from({ length: 30 }, () => {
    const b = base();
    return [member(1, b), member(1.5, noisy(b)), member(2, noisy(b))];
  });
  const layout: RankFeatureLayout = {
    image: { builtin: 2, embedding: 0, blocks: [] },
    deltas: true,
    transitions: true,
    transitionRef: transitionReference(clean),
  };
  assert.ok(layout.transitionRef!["1->1.5"] && layout.transitionRef!["any"]);
  const b = base();
  const broken = noisy(b);
  for (let y = 10; y < 14; y++) for (let x = 10; x < 14; x++) broken[y * SIGNATURE_GRID + x] = 1;
  const notes = transitionNotes(
    [member(1, b), member(1.5, broken), member(2, noisy(broken))],
    layout,
  );
  assert.deepEqual(notes[0], []);
  assert.match(notes[1]!.join(" "), /^stage 1\.5 vs stage 1: a local change/);
  assert.deepEqual(notes[2], [], "stage 2 upscaled stage 1.5 faithfully");
  assert.deepEqual(transitionNotes(clean[0]!, layout), [[], [], []]);
});

Deno.test("writeGroupInputs() gives embeddings-only members the CLIP step from the stage below", () => {
  const unit = (a: number) => new Float32Array([Math.cos(a), Math.sin(a), 0, 0]);
  const clipOnly = (stage: Stage, clip: Float32Array): GroupMemberInput => ({
    path: `${stage}.png`,
    project: "p",
    stage,
    width: 0,
    height: 0,
    features: {
      sha256: `id:${stage}`,
      width: 0,
      height: 0,
      phash: [0, 0],
      builtin: new Float32Array(0),
      embedding: null,
      blocks: { clip },
    },
  });
  // Stage 1.5 drifts far from stage 1 (a bad face swap); stage 2 stays close to 1.5.
  const members = [clipOnly(1, unit(0)), clipOnly(1.5, unit(1.2)), clipOnly(2, unit(1.25))];
  const layout: RankFeatureLayout = {
    image: { builtin: 0, embedding: 0, blocks: [{ name: "clip", size: 4 }] },
    deltas: true,
    clip: true,
  };
  const d = rankInputSize(layout);
  const out = new Float32Array(3 * d);
  writeGroupInputs(members, layout, out, 0);
  const cols = (i: number) => Array.from(out.subarray((i + 1) * d - 5, (i + 1) * d));
  const [s1, s15, s2] = [cols(0), cols(1), cols(2)];
  // No pixels in this set; the lowest stage has no step.
  assert.deepEqual([s1[0], s1[1], s1[2]], [0, 0, 0]);
  assert.equal(s15[1], 1);
  assert.ok(Math.abs(s15[2]! - (1 - Math.cos(1.2))) < 1e-6);
  assert.ok(Math.abs(s2[2]! - (1 - Math.cos(0.05))) < 1e-6);
  // The big step stays visible at every later stage.
  assert.ok(Math.abs(s2[3]! - (1 - Math.cos(1.2))) < 1e-6);
  // The clip vector itself is the image block.
  assert.deepEqual(Array.from(out.subarray(d, d + 4)), Array.from(unit(1.2)));
});

Deno.test("writeGroupInputs() gives taste features their project's own columns only", () => {
  const rand = mulberry32(11);
  const base = new Float32Array(SIGNATURE_SIZE).map(() => 0.3 + 0.4 * rand());
  // Stage 2 sharpens everything: more detail in every cell.
  const sharp = Float32Array.from(base);
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  for (let j = 3 * g2; j < 4 * g2; j++) sharp[j] = sharp[j]! * 2;
  const group = (project: string) =>
    [member(1, base), member(2, Float32Array.from(sharp))].map((m) => ({ ...m, project }));
  const taste = ["detail_median"];
  const layout: RankFeatureLayout = {
    image: { builtin: 2, embedding: 0, blocks: [] },
    deltas: true,
    projects: ["a", "b"],
    transitions: true,
    tasteLocal: taste,
  };
  const shared: RankFeatureLayout = { ...layout };
  delete shared.tasteLocal;
  const d = rankInputSize(layout);
  assert.equal(d, rankInputSize(shared) + 2, "one column per project and taste feature");
  const j = TRANSITION_FEATURES.indexOf("detail_median");
  const t0 = d - TRANSITION_COLUMNS - 2;
  for (const [project, col] of [["a", 0], ["b", 1], ["other", -1]] as const) {
    const out = new Float32Array(2 * d);
    writeGroupInputs(group(project), layout, out, 0);
    const top = out.subarray(d, 2 * d);
    assert.equal(top[t0 + 1 + j], 0, "not in the shared columns");
    const own = [top[d - 2]!, top[d - 1]!];
    if (col < 0) assert.deepEqual(own, [0, 0], "a project the ranker never saw: no taste");
    else {
      assert.ok(own[col]! > 0.5, `${project}: ${own}`);
      assert.equal(own[1 - col], 0);
    }
  }
  // Without tasteLocal the feature is shared.
  const ds = rankInputSize(shared);
  const out = new Float32Array(2 * ds);
  writeGroupInputs(group("a"), shared, out, 0);
  assert.ok(out[ds + ds - TRANSITION_COLUMNS + 1 + j]! > 0.5);
});
