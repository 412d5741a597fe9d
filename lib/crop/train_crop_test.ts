import assert from "node:assert/strict";
import type { Box, GroupMemberInput } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";
import { iou } from "../math/mod.ts";
import {
  type CropExample,
  cropProposerFrom,
  loadCropProposer,
  saveCropModel,
  trainCropProposer,
} from "./mod.ts";
import { fallbackCropProposer } from "./crop_proposer.ts";

function example(rand: () => number, i: number): CropExample {
  const kind = i % 2;
  const builtin = new Float32Array([kind, rand()]);
  const box: Box = kind ? [0.4, 0.4, 1, 1] : [0.1, 0, 0.6, 0.5];
  const member: GroupMemberInput = {
    path: `p${i}.png`,
    project: "p",
    stage: 2,
    width: 1024,
    height: 1024,
    features: { sha256: "", width: 1024, height: 1024, phash: [0, 0], builtin, embedding: null },
  };
  return { member, box, no_crop: false };
}

Deno.test("trainCropProposer() learns a box that depends on an image feature", async () => {
  const rand = mulberry32(2);
  const all = Array.from({ length: 240 }, (_, i) => example(rand, i));
  const model = await trainCropProposer(all.slice(0, 200), all.slice(200), {
    epochs: 40,
    batchSize: 20,
    lr: 0.01,
    hidden: [16],
    features: ["builtin"],
    threads: 1,
  });
  assert.ok(model.meta.val_iou > 0.85, `val IoU ${model.meta.val_iou}`);
  const proposer = cropProposerFrom(model);
  const p = proposer.propose(all[201]!.member);
  assert.ok(iou(p.box, all[201]!.box) > 0.8);
  assert.ok(p.needs_crop > 0.5);
  const dir = await Deno.makeTempDir();
  await saveCropModel(dir, model);
  const loaded = await loadCropProposer(dir);
  assert.deepEqual(loaded.propose(all[201]!.member).box, p.box);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainCropProposer() gives the same model and curve for the same seed", async () => {
  const rand = mulberry32(4);
  const all = Array.from({ length: 60 }, (_, i) => example(rand, i));
  const opts = { epochs: 5, batchSize: 16, hidden: [8], features: ["builtin"], threads: 1 };
  const a = await trainCropProposer(all.slice(0, 48), all.slice(48), opts);
  const b = await trainCropProposer(all.slice(0, 48), all.slice(48), opts);
  assert.deepEqual(a.meta.history, b.meta.history);
  assert.deepEqual(a.onnx, b.onnx);
  const c = await trainCropProposer(all.slice(0, 48), all.slice(48), { ...opts, seed: 2 });
  assert.notDeepEqual(c.meta.history, a.meta.history);
});

Deno.test("loadCropProposer() falls back to the median box when no model exists", async () => {
  const dir = await Deno.makeTempDir();
  const p = await loadCropProposer(dir);
  assert.equal(p.identity, fallbackCropProposer().identity);
  const [x1, y1, x2, y2] = p.propose(example(mulberry32(1), 0).member).box;
  assert.equal(y1, 0);
  assert.ok(Math.abs((x2 - x1) - (y2 - y1)) < 1e-9);
  await assert.rejects(() => loadCropProposer(dir, { fallback: false }));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainCropProposer() leans to the heavier of two contradicting boxes (a review's weight)", async () => {
  const rand = mulberry32(6);
  const base = Array.from({ length: 80 }, (_, i) => example(rand, i));
  const older = base.map((e) => ({ ...e, box: [0.1, 0, 0.6, 0.5] as Box }));
  const newer = base.map((e) => ({ ...e, box: [0.4, 0.4, 1, 1] as Box }));
  const opts = {
    epochs: 20,
    batchSize: 20,
    lr: 0.01,
    hidden: [16],
    features: ["builtin"],
    threads: 1,
  };
  const closeness = async (wNew: number, wOld: number): Promise<number> => {
    const train = [
      ...older.map((e) => ({ ...e, weight: wOld })),
      ...newer.map((e) => ({ ...e, weight: wNew })),
    ];
    const proposer = cropProposerFrom(await trainCropProposer(train, newer.slice(0, 10), opts));
    return newer.reduce((s, e) => s + iou(proposer.propose(e.member).box, e.box), 0) / newer.length;
  };
  const heavyNew = await closeness(4, 1), heavyOld = await closeness(1, 4);
  assert.ok(heavyNew > heavyOld + 0.1, `IoU with the newer box: ${heavyNew} (×4) vs ${heavyOld}`);
});
