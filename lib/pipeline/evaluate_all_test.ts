import assert from "node:assert/strict";
import { isAnomaly } from "../rank/mod.ts";
import { type Dataset, evaluateAll, type EvaluateResult, trainModels } from "./mod.ts";
import { writeReport } from "./write_report.ts";
import { syntheticCrops, syntheticGroups } from "../../tests/fixtures/synthetic.ts";

function tinyDataset(): Dataset {
  const groups = syntheticGroups(240, { seed: 4, defectRate: 0.25 });
  const crops = syntheticCrops(160, { seed: 4 }).map((example, i) => ({
    key: groups[i % groups.length]!.id,
    example,
  }));
  return { groups, crops, skipped: {} };
}

async function run(dir: string): Promise<EvaluateResult> {
  const ds = tinyDataset();
  const out = `${dir}/models`;
  await trainModels(ds, {
    out,
    seed: 3,
    ranker: { epochs: 12, hidden: [16], threads: 1 },
    crop: { epochs: 12, hidden: [16], threads: 1, batchSize: 32 },
  });
  return await evaluateAll(ds, {
    modelDir: out,
    leaveOneProjectOut: true,
    slices: { size: (g) => (g.members.length > 3 ? "big" : null) },
    // A stand-in for simulator ground truth: each project's anomalies are one "kind".
    defectKinds: (g) => (isAnomaly(g) ? [`kind_${g.project}`] : []),
  });
}

Deno.test("trainModels() + evaluateAll() give identical metrics for the same seed and write a report", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await run(`${dir}/a`);
    const b = await run(`${dir}/b`);
    assert.ok(a.ranker && b.ranker && a.crop && b.crop);
    assert.equal(a.ranker.overall_acc, b.ranker.overall_acc);
    assert.equal(a.ranker.ece, b.ranker.ece);
    // The floor beside the ECE: what a calibrated ranker shows on these test sets, seeded.
    assert.equal(a.ranker.ece_floor, b.ranker.ece_floor);
    assert.ok(a.ranker.ece_floor > 0 && a.ranker.ece_floor <= a.ranker.ece_floor_p90);
    assert.deepEqual(a.ranker.baselines, b.ranker.baselines);
    assert.equal(a.crop.mean_iou, b.crop.mean_iou);
    // Sanity, not a quality bar: the split holds every set once.
    assert.equal(a.data.train_sets + a.data.val_sets + a.data.test_sets, 240);
    assert.ok(a.ranker.overall_acc > a.ranker.baselines.random);
    assert.deepEqual(Object.keys(a.ranker.leave_one_project_out), ["alpha", "beta"]);
    assert.deepEqual(Object.keys(a.ranker.by_project_normal), ["alpha", "beta"]);
    assert.deepEqual(Object.keys(a.ranker.slices), ["size"]);
    assert.ok(Object.keys(a.ranker.slices["size"]!).every((k) => k === "big"));
    const kinds = a.ranker.leave_one_kind_out;
    const perKind = Object.entries(kinds).filter(([k]) => k !== "all").map(([, v]) => v);
    assert.ok(perKind.length > 0);
    assert.equal(kinds["all"]!.n, perKind.reduce((s, v) => s + v.n, 0));
    assert.deepEqual(a.ranker.leave_one_kind_out, b.ranker.leave_one_kind_out);
    // Calibration is cross-fitted over all 240 logged sets less the test split.
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/a/models/ranker.json`));
    assert.equal(meta.calibration.method, "cross-fit");
    assert.equal(meta.calibration.sets, a.data.train_sets + a.data.val_sets);
    assert.equal(meta.auto_approve.fit.sets, meta.calibration.sets);
    assert.ok(meta.temperature > 0.05 && meta.temperature < 20);
    const files = await writeReport(`${dir}/report`, a);
    const names = files.map((f) => f.split("/").pop());
    for (const n of ["report.json", "report.md", "reliability.svg", "iou_histogram.svg"]) {
      assert.ok(names.includes(n), n);
    }
    const md = await Deno.readTextFile(`${dir}/report/report.md`);
    assert.match(md, /ECE [0-9.]+ \(perfectly calibrated: median [0-9.]+, 90 % below [0-9.]+\)/);
    const svg = await Deno.readTextFile(`${dir}/report/reliability.svg`);
    assert.ok(svg.startsWith("<svg") || svg.startsWith("<figure"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("evaluateAll() refuses a folder without models", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(() => evaluateAll(tinyDataset(), { modelDir: dir }), /Cannot evaluate/);
  await Deno.remove(dir, { recursive: true });
});
