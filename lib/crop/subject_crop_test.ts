import assert from "node:assert/strict";
import type { Box, GroupMemberInput } from "../types.ts";
import { iou } from "../math/mod.ts";
import { visionBlockIndex } from "../vision/mod.ts";
import { mulberry32 as rng } from "../random/mod.ts";
import { visionMember } from "../../tests/fixtures/vision_member.ts";
import { boxFromCoords, fitSubjectCrop, proposeSubjectCrop, subjectView } from "./subject_crop.ts";
import { addSubjectCrop, blendProposal, chooseCropBlend } from "./blend_crop.ts";
import type { CropExample } from "./train_crop.ts";

/** A crop image whose vision found `subject` (null: none), a face at its top. */
function member(project: string, subject: Box | null): GroupMemberInput {
  return visionMember({ path: `${project}/${subject?.join("_")}.png`, project, subject });
}

/** A creator who crops from a margin above the subject down to `cut` of its height. */
function examples(
  project: string,
  n: number,
  habit: { margin: number; cut: number; lean: number },
  seed: number,
): CropExample[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const h = 0.4 + 0.5 * r(), w = 0.3 * h;
    const x1 = r() * (1 - w), y1 = r() * (1 - h);
    const subject: Box = [x1, y1, x1 + w, y1 + h];
    const noise = () => (r() - 0.5) * 0.03;
    const box = boxFromCoords(
      y1 - habit.margin * h + noise(),
      y1 + habit.cut * h + noise(),
      x1 + w / 2 + habit.lean * h + noise(),
    );
    return { member: member(project, subject), box, no_crop: false };
  });
}

const meanIou = (model: ReturnType<typeof fitSubjectCrop>, xs: CropExample[]): number =>
  xs.reduce((s, e) => s + iou(proposeSubjectCrop(model, e.member).box, e.box), 0) / xs.length;

Deno.test("fitSubjectCrop() learns a crop that follows the subject far better than one box", () => {
  const habit = { margin: 0.08, cut: 0.6, lean: 0.05 };
  const model = fitSubjectCrop([...examples("a", 150, habit, 1), ...examples("b", 150, habit, 2)]);
  const test = examples("a", 100, habit, 3);
  const fitted = meanIou(model, test);
  const oneBox = test.reduce((s, e) => s + iou(model.projects.a!.box, e.box), 0) / test.length;
  assert.ok(fitted > 0.85, `subject crop IoU ${fitted}`);
  assert.ok(fitted > oneBox + 0.25, `subject ${fitted} vs median box ${oneBox}`);
  assert.deepEqual(model.n_subject, 300);
});

Deno.test("fitSubjectCrop() keeps each project's own habit where it has the evidence", () => {
  const tight = { margin: 0.03, cut: 0.35, lean: 0 }, loose = { margin: 0.15, cut: 0.95, lean: 0 };
  const model = fitSubjectCrop([...examples("a", 200, tight, 4), ...examples("b", 200, loose, 5)]);
  assert.ok(meanIou(model, examples("a", 80, tight, 6)) > 0.85);
  assert.ok(meanIou(model, examples("b", 80, loose, 7)) > 0.85);
});

Deno.test("fitSubjectCrop() shrinks a project with a handful of crops toward the global habit", () => {
  const common = { margin: 0.08, cut: 0.6, lean: 0 };
  const odd = { margin: 0.08, cut: 0.9, lean: 0 };
  const train = [
    ...examples("a", 200, common, 8),
    ...examples("b", 200, common, 9),
    ...examples("c", 4, odd, 10),
  ];
  const fixedStrong = fitSubjectCrop(train, { lambda: 3000 });
  const fixedWeak = fitSubjectCrop(train, { lambda: 0.3 });
  const commonTest = examples("c", 80, common, 11);
  // Strong shrinkage: project c behaves like the creator's global habit.
  assert.ok(meanIou(fixedStrong, commonTest) > meanIou(fixedWeak, commonTest));
  assert.ok(meanIou(fixedStrong, commonTest) > 0.85);
  // The chosen λ is one of the grid's and is reported with its cross-validated IoU.
  const chosen = fitSubjectCrop(train);
  assert.deepEqual(chosen.cv.length, 10, "5 strengths, with and without setting crops aside");
  assert.ok(chosen.cv.some((c) => c.lambda === chosen.lambda));
});

Deno.test("proposeSubjectCrop() falls back to the project's median box without a subject", () => {
  const habit = { margin: 0.08, cut: 0.6, lean: 0 };
  const model = fitSubjectCrop(examples("a", 100, habit, 12));
  const p = proposeSubjectCrop(model, member("a", null));
  assert.deepEqual(p.subject, false);
  assert.deepEqual(p.box, model.projects.a!.box);
  assert.deepEqual(subjectView(member("a", null)), null);
});

Deno.test("fitSubjectCrop() learns 'no crop' when the subject fills the frame", () => {
  const r = rng(13);
  const xs: CropExample[] = [];
  for (let i = 0; i < 300; i++) {
    const big = r() < 0.3;
    const h = big ? 0.92 + 0.08 * r() : 0.3 + 0.3 * r();
    const s: Box = [0.3, 1 - h, 0.3 + 0.3 * h, 1];
    xs.push({
      member: member("a", s),
      box: big ? [0, 0, 1, 1] : boxFromCoords(s[1] - 0.05, s[1] + 0.6 * h, (s[0] + s[2]) / 2),
      no_crop: big,
    });
  }
  const model = fitSubjectCrop(xs);
  const whole = proposeSubjectCrop(model, member("a", [0.3, 0.02, 0.6, 1]));
  const small = proposeSubjectCrop(model, member("a", [0.3, 0.6, 0.45, 1]));
  assert.ok(whole.needs < 0.5, `needs ${whole.needs} for a frame-filling subject`);
  assert.ok(small.needs > 0.5, `needs ${small.needs} for a small subject`);
});

Deno.test("chooseCropBlend() picks the subject crop over a constant learned box and not the reverse", () => {
  const habit = { margin: 0.08, cut: 0.6, lean: 0 };
  const train = examples("a", 200, habit, 14), val = examples("a", 60, habit, 15);
  const subject = fitSubjectCrop(train);
  const constant = () => ({ needs_crop: 0.9, box: [0.1, 0, 0.85, 0.75] as Box, confidence: 0 });
  assert.deepEqual(chooseCropBlend(val, constant, subject).projects.a, 1);
  // An oracle learned proposer wins over the subject crop.
  const truth = new Map(val.map((e) => [e.member, e.box]));
  const oracle = (m: GroupMemberInput) => ({ needs_crop: 0.9, box: truth.get(m)!, confidence: 1 });
  const blend = chooseCropBlend(val, oracle, subject);
  assert.deepEqual(blend.projects.a, 0);
  assert.deepEqual(blend.scores.length, 6);
});

Deno.test("chooseCropBlend() keeps a project on the overall choice unless its own crops show better", () => {
  const habit = { margin: 0.08, cut: 0.6, lean: 0 };
  const subject = fitSubjectCrop(examples("a", 200, habit, 17));
  const shift = (b: Box, d: number): Box => [b[0] + d, b[1], b[2] + d, b[3]];
  const learnedBox = new Map<GroupMemberInput, Box>();
  // Each val crop is exactly the subject crop or exactly a learned box shifted from it.
  const crops = (project: string, n: number, seed: number, learnedShare: number) =>
    examples(project, n, habit, seed).map((e, i): CropExample => {
      const m = member(project, subjectView(e.member)!.box);
      const s = proposeSubjectCrop(subject, m).box, side = s[2] - s[0];
      const learned = shift(s, 0.1 * side);
      learnedBox.set(m, learned);
      return { member: m, box: i < n * learnedShare ? learned : s, no_crop: false };
    });
  const learned = (m: GroupMemberInput) => ({
    needs_crop: 0.9,
    box: learnedBox.get(m)!,
    confidence: 0.5,
  });
  // Project a: every crop is the subject crop. Project b: 31 learned, 29 subject — the learned
  // proposer is ahead on b's own mean by less than the noise of 60 paired crops.
  const a = crops("a", 80, 18, 0), b = crops("b", 60, 19, 31 / 60);
  const blend = chooseCropBlend([...a, ...b], learned, subject, { prior: 0 });
  const score = (w: number) => blend.scores.find((s) => s.option === w)!;
  assert.equal(blend.global, 1);
  assert.equal(blend.projects.a, 1);
  assert.ok(score(0).projects.b! > score(1).projects.b!, "learned ahead on b's own mean");
  assert.ok(score(0).gain_lower.b! < 0);
  assert.equal(blend.projects.b, 1, "b stays with the overall choice");
  // Where b's crops are all the learned ones, it departs.
  const b2 = crops("b", 60, 19, 1);
  assert.equal(chooseCropBlend([...a, ...b2], learned, subject, { prior: 0 }).projects.b, 0);
});

Deno.test("blendProposal() mixes corners, keeps the aspect, and uses the learned box without a subject", () => {
  const subject = fitSubjectCrop(examples("a", 100, { margin: 0.08, cut: 0.6, lean: 0 }, 16));
  const learned = { needs_crop: 0.9, box: [0, 0, 0.5, 0.5] as Box, confidence: 0.3 };
  const m = member("a", [0.4, 0.2, 0.6, 0.8]);
  const half = blendProposal(learned, subject, m, 0.5);
  assert.ok(Math.abs((half.box[2] - half.box[0]) - (half.box[3] - half.box[1])) < 1e-9);
  assert.deepEqual(blendProposal(learned, subject, member("a", null), 1).box, learned.box);
});

Deno.test("addSubjectCrop() adds nothing when no crop image went through vision", () => {
  const xs = examples("a", 20, { margin: 0.08, cut: 0.6, lean: 0 }, 17);
  for (const e of xs) e.member.features.blocks = {};
  const meta: Parameters<typeof addSubjectCrop>[0] = {};
  const learned = () => ({ needs_crop: 0.9, box: [0, 0, 1, 1] as Box, confidence: 0 });
  assert.deepEqual(addSubjectCrop(meta, { train: xs, val: [] }, learned), false);
  assert.deepEqual(meta.subject, undefined);
});

Deno.test("subjectView() takes a confident non-person object when no person is found", () => {
  const m = member("a", null);
  const v = m.features.blocks!.vision!;
  v[visionBlockIndex("object_x1")] = 0.2;
  v[visionBlockIndex("object_y1")] = 0.3;
  v[visionBlockIndex("object_x2")] = 0.6;
  v[visionBlockIndex("object_y2")] = 0.9;
  v[visionBlockIndex("object_score")] = 0.2;
  assert.equal(subjectView(m), null);
  v[visionBlockIndex("object_score")] = 0.7;
  const s = subjectView(m)!;
  assert.equal(s.kind, "object");
  assert.deepEqual(s.box, [0.2, 0.3, 0.6, 0.9].map((x) => Math.fround(x)));
});

Deno.test("fitSubjectCrop() sets aside crops a wrong subject box explains (vision found a prop)", () => {
  const habit = { margin: 0.08, cut: 0.6, lean: 0.05 };
  const clean = examples("a", 160, habit, 11);
  // A quarter of the crops come with a wrong subject box: a small prop in a corner.
  const r = rng(12);
  const wrong = examples("a", 60, habit, 13).map((e): CropExample => {
    const s = 0.1 + 0.1 * r(), x = r() < 0.5 ? 0 : 1 - s;
    return { ...e, member: member("a", [x, 1 - s, x + s, 1]) };
  });
  const model = fitSubjectCrop([...clean, ...wrong]);
  assert.equal(model.trim, true, "cross-validation chose to set them aside");
  assert.ok(model.trimmed >= 55 && model.trimmed <= 75, `set aside ${model.trimmed}`);
  const test = examples("a", 100, habit, 14);
  const kept = meanIou(model, test);
  // Without setting them aside, the props pull every coefficient.
  const untrimmed = fitSubjectCrop([...clean, ...wrong], { trim: false });
  assert.equal(untrimmed.trimmed, 0);
  const pulled = meanIou(untrimmed, test);
  assert.ok(kept > 0.85 && kept > pulled + 0.05, `trimmed ${kept}, untrimmed ${pulled}`);
});

Deno.test("fitSubjectCrop() sets crops aside only where cross-validation shows it helps", () => {
  // Clean crops of two habits: a fit on the better half would be biased toward the easy
  // crops, so the choice must fall on keeping every crop (or cost nothing).
  const tight = { margin: 0.03, cut: 0.35, lean: 0 }, loose = { margin: 0.15, cut: 0.95, lean: 0 };
  const train = [...examples("a", 200, tight, 4), ...examples("b", 200, loose, 5)];
  const test = [...examples("a", 80, tight, 6), ...examples("b", 80, loose, 7)];
  const chosen = fitSubjectCrop(train);
  const always = fitSubjectCrop(train, { trim: true });
  const never = fitSubjectCrop(train, { trim: false });
  assert.ok(always.trimmed > 0);
  assert.ok(meanIou(always, test) < meanIou(never, test) - 0.02, "trimming clean crops costs");
  assert.ok(meanIou(chosen, test) >= meanIou(never, test) - 0.005);
  assert.deepEqual(new Set(chosen.cv.map((c) => c.trim)), new Set([false, true]));
});

Deno.test("subjectView() reads a faint person box when there is no subject, before an object", () => {
  const m = member("a", null);
  const v = m.features.blocks!.vision!;
  const set = (
    n: Parameters<typeof visionBlockIndex>[0],
    x: number,
  ) => (v[visionBlockIndex(n)] = x);
  assert.equal(subjectView(m), null);
  set("object_x1", 0.6), set("object_y1", 0.6), set("object_x2", 0.9), set("object_y2", 0.9);
  set("object_score", 0.5);
  assert.equal(subjectView(m)?.kind, "object");
  set("faint_x1", 0.2), set("faint_y1", 0.1), set("faint_x2", 0.5), set("faint_y2", 0.8);
  set("faint_score", 0.1);
  assert.deepEqual(subjectView(m)?.box.map((x) => Math.round(x * 100) / 100), [0.2, 0.1, 0.5, 0.8]);
  assert.equal(subjectView(m)?.kind, "faint");
  set("faint_score", 0.04);
  assert.equal(subjectView(m)?.kind, "object", "below the faint score the object stands in");
});

Deno.test("loadCropProposer() refuses a subject model saved for another vision layout", async () => {
  const { trainCropProposer, saveCropModel, loadCropProposer } = await import("./mod.ts");
  const habit = { margin: 0.08, cut: 0.6, lean: 0 };
  const train = examples("a", 60, habit, 30), val = examples("a", 20, habit, 31);
  const model = await trainCropProposer(train, val, {
    epochs: 2,
    hidden: [4],
    features: ["builtin"],
    threads: 1,
  });
  const dir = await Deno.makeTempDir();
  try {
    addSubjectCrop(model.meta, { train, val }, () => ({
      needs_crop: 0.9,
      box: [0, 0, 1, 1],
      confidence: 0,
    }));
    await saveCropModel(dir, model);
    assert.equal((await loadCropProposer(dir)).identity.endsWith("+subject"), true);
    // The same model as an older keeper saved it: 18 coefficients, version 1.
    const old = structuredClone(model.meta) as unknown as {
      subject: { version: number; global: { y2: number[] } };
    };
    old.subject.version = 1;
    await Deno.writeTextFile(`${dir}/crop.json`, JSON.stringify(old));
    await assert.rejects(
      () => loadCropProposer(dir),
      /"subject\.version" is 1, this keeper reads 2/,
    );
    old.subject.version = 2;
    old.subject.global.y2 = old.subject.global.y2.slice(0, 18);
    await Deno.writeTextFile(`${dir}/crop.json`, JSON.stringify(old));
    await assert.rejects(
      () => loadCropProposer(dir),
      /crop\.json: field "subject\.global\.y2" has 18 coefficients, expected 27/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
