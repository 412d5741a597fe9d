import assert from "node:assert/strict";
import type { ImageFeatures, ImageRef, SelectionSet } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";
import { highestStageScores, rankerFrom, trainRanker } from "../rank/mod.ts";
import { l2normalize } from "../embed/mod.ts";
import { buildDataset, setView } from "./dataset.ts";

const STAGES: [number, string][] = [[1, "stage1_generated"], [1.5, "stage1.5_face_swapped"], [
  2,
  "stage2_upscaled",
]];

function ref(project: string, n: number, s: number): ImageRef {
  const [stage, token] = STAGES[s]!;
  const filename = `2025080${project.length}_${String(n).padStart(6, "0")}_${token}.png`;
  return { project, filename, path: `${project}/${filename}`, dir: project, stage };
}

function pixels(seed: number): ImageFeatures {
  return {
    sha256: `sha${seed}`,
    width: 64,
    height: 64,
    phash: [seed, 0],
    builtin: new Float32Array([seed % 7, 1]),
    embedding: null,
  };
}

/**
 * History like the creator's: sets of stage 1 / 1.5 / 2, the clip vectors of
 * every member imported, the rejected files deleted (only the pick remains on
 * disk). In a quarter of the sets the face swap drifted (big embedding step
 * at 1.5 carried into 2) and the creator kept stage 1.
 */
function history(n: number, seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const selections: SelectionSet[] = [];
  const clip = new Map<string, Float32Array>();
  const files = new Map<string, ImageFeatures>();
  for (let g = 0; g < n; g++) {
    const refs = [0, 1, 2].map((s) => ref("mojo1", g * 3 + s, s));
    const base = Float32Array.from({ length: 16 }, gauss);
    const broken = rand() < 0.25;
    let v = base;
    refs.forEach((r, s) => {
      if (s > 0) {
        const step = broken && s === 1 ? 1.2 : 0.08;
        v = v.map((x) => x + step * gauss());
      }
      clip.set(`mojo1/${r.filename}`, l2normalize(v));
    });
    const chosen = broken ? 0 : 2;
    files.set(`mojo1/${refs[chosen]!.filename}`, pixels(g));
    selections.push({
      kind: "selection_log",
      source: { file: "log.csv", line: g + 2 },
      session_id: "s",
      set_id: `group_${g}`,
      project: "mojo1",
      chosen: refs[chosen]!,
      rejected: refs.filter((_, i) => i !== chosen),
      timestamp: "",
      mixed_directories: false,
    });
  }
  return { store: { selections, crops: [] }, clip, files };
}

Deno.test("buildDataset() ranks history whose rejected files are gone from the imported embeddings", () => {
  const { store, clip, files } = history(40, 3);
  // One set whose stage-2 member was never embedded either: unusable, counted.
  clip.delete(`mojo1/${store.selections[0]!.rejected.at(-1)!.filename}`);
  const ds = buildDataset(store, files, { imagesRoot: ".", clipByIdentity: clip });
  assert.equal(ds.groups.length, 39);
  assert.equal(ds.skipped["set_missing_features"], 1);
  assert.deepEqual(ds.views, {
    sets: 39,
    every_member_embedded: 39,
    every_member_pixels: 0,
    both: 0,
  });
  for (const g of ds.groups) {
    assert.equal(setView(g.members), "embedding");
    // The surviving pick carries no pixel features its deleted rivals lack (no label leak).
    for (const m of g.members) {
      assert.equal(m.features.builtin.length, 0);
      assert.equal(m.width, 0);
      assert.equal(m.features.blocks?.["clip"]?.length, 16);
    }
  }
  // Without the imported vectors nothing is usable, and says so.
  const none = buildDataset(store, files, { imagesRoot: "." });
  assert.equal(none.groups.length, 0);
  assert.equal(none.skipped["set_missing_features"], 40);
});

Deno.test("buildDataset() keeps pixels and adds the clip block where every file exists", () => {
  const { store, clip } = history(6, 4);
  const all = new Map<string, ImageFeatures>();
  let i = 0;
  for (const s of store.selections) {
    for (const r of [s.chosen, ...s.rejected]) all.set(`mojo1/${r.filename}`, pixels(i++));
  }
  const ds = buildDataset(store, all, { imagesRoot: ".", clipByIdentity: clip });
  assert.equal(ds.views?.both, 6);
  assert.ok(ds.groups.every((g) => setView(g.members) === "both"));
  // Shared features are copied, not mutated.
  assert.equal([...all.values()][0]!.blocks, undefined);
  const noClip = buildDataset(store, all, { imagesRoot: "." });
  assert.ok(noClip.groups.every((g) => setView(g.members) === "pixels"));
});

Deno.test("trainRanker() learns the creator's picks from embeddings-only history", async () => {
  const { store, clip, files } = history(360, 11);
  const ds = buildDataset(store, files, { imagesRoot: ".", clipByIdentity: clip });
  const train = ds.groups.slice(0, 240), val = ds.groups.slice(240, 290);
  const test = ds.groups.slice(290);
  const model = await trainRanker(train, val, {
    features: ["builtin", "clip"],
    epochs: 30,
    threads: 1,
    hidden: [16],
  });
  assert.equal(model.meta.layout.clip, true);
  assert.equal(model.meta.layout.image.builtin, 0);
  const ranker = rankerFrom(model);
  const argmax = (v: number[]) => v.reduce((b, x, i) => (x > v[b]! ? i : b), 0);
  let ok = 0, base = 0;
  for (const g of test) {
    if (argmax(ranker.rank(g.members).scores) === g.chosen) ok++;
    if (argmax(highestStageScores(g.members)) === g.chosen) base++;
  }
  assert.ok(ok / test.length > 0.9, `embeddings-only ranker ${ok}/${test.length}`);
  assert.ok(ok > base, `ranker ${ok} vs highest stage ${base} of ${test.length}`);
});
