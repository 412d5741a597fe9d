import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { CropLabel, ImageFeatures, ImageRef, SelectionSet } from "../types.ts";
import {
  buildDataset,
  datasetPaths,
  groundTruthPaths,
  heldoutFromGroundTruth,
  REVIEW_WEIGHT,
} from "./dataset.ts";
import { indexForStore } from "./index_for_store.ts";
import { coverageErrors, formatCoverage, indexResolver, splitBy } from "../eval/mod.ts";

function ref(path: string, project: string | null, stage = 1): ImageRef {
  const filename = path.slice(path.lastIndexOf("/") + 1);
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  return { project, filename, path, dir, stage };
}

function set(kind: SelectionSet["kind"], chosen: ImageRef, rejected: ImageRef[]): SelectionSet {
  return {
    kind,
    source: { file: "logs/selection_only_log.csv", line: 2 },
    session_id: "s",
    set_id: chosen.filename,
    project: chosen.project!,
    chosen,
    rejected,
    timestamp: "",
    mixed_directories: false,
  };
}

function crop(image: ImageRef, file = "logs/select_crop_log.csv"): CropLabel {
  return {
    source: { file, line: 3 },
    session_id: file.endsWith("approved_decisions.jsonl")
      ? "review 2025-10-20"
      : "2025-10-08 10:00:00",
    set_id: image.filename,
    project: image.project!,
    image,
    width: 64,
    height: 64,
    box: [0.1, 0.1, 0.9, 0.9],
    no_crop: false,
    units: "normalized",
    clamped: 0,
    timestamp: "",
  };
}

function sha(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function features(paths: string[]): Map<string, ImageFeatures> {
  return new Map(paths.map((p, i) => [p, {
    sha256: String(i),
    width: 64,
    height: 64,
    phash: [0, 0] as [number, number],
    builtin: new Float32Array([i]),
    embedding: null,
  }]));
}

async function creator(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "keeper_cov_" });
  for (
    const rel of [
      "creator/mojo1/a_stage1_generated.png",
      "creator/mojo1_final/hannah/a_stage2_upscaled.png",
      "creator/mojo2/b_stage1_generated.png",
      "creator/mojo2_final/kelly/b_stage2_upscaled.png",
      "sandbox/__selected/mojo2/kelly/c_stage2_upscaled.png",
      "sandbox/review_batch/c_stage1_generated.png",
    ]
  ) {
    await Deno.mkdir(`${dir}/${rel.slice(0, rel.lastIndexOf("/"))}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/${rel}`, rel);
  }
  return dir;
}

Deno.test("buildDataset() finds labels by (project, file name) whatever folder the log names, and counts coverage", async () => {
  const dir = await creator();
  try {
    const store = {
      selections: [
        // Selection log: absolute path of another machine, the raw folder (the pick has moved to _final).
        set("selection_log", ref("/Users/dana/Studio/mojo1/a_stage2_upscaled.png", "mojo1", 2), [
          ref("/Users/dana/Studio/mojo1/a_stage1_generated.png", "mojo1"),
        ]),
        set("selection_log", ref("/Users/dana/Studio/mojo2/b_stage2_upscaled.png", "mojo2", 2), [
          ref("/Users/dana/Studio/mojo2/gone_stage1_generated.png", "mojo2"),
        ]),
        // A review of files apply has since moved.
        // (c_stage1 now sits in a folder naming no project: found by the sha256 the decision recorded.)
        set("review", ref("review_batch/c_stage2_upscaled.png", "mojo2", 2), [
          {
            ...ref("review_batch/c_stage1_generated.png", "mojo2"),
            sha256: sha("sandbox/review_batch/c_stage1_generated.png"),
          },
        ]),
      ],
      crops: [
        crop(ref("crop/hannah/a_stage2_upscaled.png", "mojo1", 2)),
        crop(ref("crop/kelly/b_stage2_upscaled.png", "mojo2", 2)),
        crop(ref("crop/kelly/missing_stage2_upscaled.png", "mojo2", 2)),
        crop(
          ref("review_batch/c_stage2_upscaled.png", "mojo2", 2),
          "sandbox/approved_decisions.jsonl",
        ),
      ],
    };
    const index = await indexForStore(store, [`${dir}/creator`, `${dir}/sandbox`]);
    const resolver = indexResolver(index);
    const paths = datasetPaths(store, { resolver });
    assert.equal(paths.length, 5);
    const ds = buildDataset(store, features(paths), { resolver });
    const cov = ds.coverage!;
    assert.deepEqual(
      { ...cov.kinds.selection_log, by_project: undefined, examples: undefined },
      {
        labels: 2,
        found: 1,
        missing: 1,
        conflicts: 0,
        no_features: 0,
        usable: 1,
        by_project: undefined,
        examples: undefined,
      },
    );
    assert.equal(cov.kinds.selection_log!.by_project["mojo2"]!.missing, 1);
    assert.equal(cov.kinds.selection_log!.examples[0]!.identity, "mojo2/gone_stage1_generated.png");
    assert.match(cov.kinds.selection_log!.examples[0]!.looked, /creator.*sandbox/);
    assert.equal(cov.kinds.crop!.usable, 2);
    assert.equal(cov.kinds.crop!.missing, 1);
    assert.equal(cov.kinds.review!.usable, 1);
    assert.equal(cov.kinds.review_crop!.usable, 1);
    // Reviews weigh as the newest taste; logged labels weigh 1.
    assert.deepEqual(ds.groups.map((g) => g.weight), [undefined, REVIEW_WEIGHT]);
    assert.equal(ds.crops.filter((c) => c.example.weight === REVIEW_WEIGHT).length, 1);
    // The crop of a pick shares its set's key (one side of every split).
    assert.equal(ds.crops[0]!.key, "mojo1/a_stage2_upscaled.png");
    assert.equal(ds.groups[0]!.id, "mojo1/a_stage2_upscaled.png");
    assert.deepEqual(coverageErrors(cov), []);
    assert.ok(formatCoverage(cov).some((l) => l.includes("crop: 3 labels, 2 found, 1 missing")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the split keys on identity: moving the image root keeps every set on its side", async () => {
  const dir = await creator();
  try {
    await Deno.mkdir(`${dir}/moved`);
    await Deno.rename(`${dir}/creator`, `${dir}/moved/creator`);
    const store = {
      selections: [
        set("selection_log", ref("mojo1/a_stage2_upscaled.png", "mojo1", 2), [
          ref("mojo1/a_stage1_generated.png", "mojo1"),
        ]),
      ],
      crops: [],
    };
    const keys = [];
    for (const root of [`${dir}/moved/creator`, `${dir}/moved`]) {
      const resolver = indexResolver(await indexForStore(store, [root]));
      const ds = buildDataset(store, features(datasetPaths(store, { resolver })), { resolver });
      keys.push(splitBy(ds.groups, (g) => g.id, { seed: 3 }));
    }
    assert.deepEqual(keys[0]!.train.map((g) => g.id), keys[1]!.train.map((g) => g.id));
    assert.deepEqual(keys[0]!.test.map((g) => g.id), keys[1]!.test.map((g) => g.id));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("coverageErrors() fails a kind with labels and 0 usable unless allowed", async () => {
  const dir = await creator();
  try {
    const store = { selections: [], crops: [crop(ref("crop/x/nowhere.png", "mojo1"))] };
    const resolver = indexResolver(await indexForStore(store, [`${dir}/creator`]));
    const ds = buildDataset(store, new Map(), { resolver });
    const errors = coverageErrors(ds.coverage!);
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]!,
      /^Cannot train: 0 of 1 crop labels usable .*mojo1\/nowhere\.png.*--allow-empty crop$/,
    );
    assert.deepEqual(coverageErrors(ds.coverage!, { allowEmpty: ["crop"] }), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("groundTruthPaths() spells member paths with '..' as heldoutFromGroundTruth looks them up", () => {
  const records = [{
    group_id: "g1",
    project: "sim1",
    split: "heldout",
    members: [{ path: "../sim/heldout/a_stage1_generated.png", stage: 1 }, {
      path: "../sim/heldout/a_stage2_upscaled.png",
      stage: 2,
    }],
    chosen_index: 1,
    needs_crop: false,
    crop_box: null,
  }];
  const paths = groundTruthPaths(records, "/x/run");
  assert.deepEqual(paths, [
    "/x/sim/heldout/a_stage1_generated.png",
    "/x/sim/heldout/a_stage2_upscaled.png",
  ]);
  const held = heldoutFromGroundTruth(records, features(paths), "/x/run");
  assert.equal(held.groups.length, 1);
  assert.equal(held.skipped, 0);
});
