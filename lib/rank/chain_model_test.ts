import assert from "node:assert/strict";
import type { GroupMemberInput, Stage } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";
import { SIGNATURE_GRID, SIGNATURE_SIZE } from "../signature/mod.ts";
import {
  chainLogProbabilities,
  type ChainModel,
  chainNovelty,
  checkChainModel,
  evaluateChain,
  fitChainModel,
  mixChainScores,
  TASTE_FEATURES,
} from "./chain_model.ts";
import { chainLayout, signatureMember } from "../../tests/fixtures/chain_groups.ts";

function member(stage: Stage, signature: Float32Array | null, path = `${stage}.png`) {
  return signatureMember(stage, signature, path);
}

const rand = mulberry32(5);
const noisy = (s: Float32Array) => s.map((v) => v + (rand() - 0.5) * 0.01);
const base = () => new Float32Array(SIGNATURE_SIZE).map(() => 0.3 + 0.4 * rand());
/** A pasted bright patch of a random 4×4-cell block. */
function broken(s: Float32Array): Float32Array {
  const out = noisy(s);
  const y0 = 2 + Math.floor(rand() * 24), x0 = 2 + Math.floor(rand() * 24);
  for (let y = y0; y < y0 + 4; y++) {
    for (let x = x0; x < x0 + 4; x++) out[y * SIGNATURE_GRID + x] = 1;
  }
  return out;
}

/** A three-stage group whose step into `brokenAt` (1.5 or 2) pastes a patch; kept = the stage below. */
function group(brokenAt: Stage | null): { members: GroupMemberInput[]; chosen: number } {
  const s1 = base();
  const s15 = brokenAt === 1.5 ? broken(s1) : noisy(s1);
  const s2 = brokenAt === 2 ? broken(s15) : noisy(s15);
  const members = [member(1, s1), member(1.5, s15), member(2, s2)];
  return { members, chosen: brokenAt === 1.5 ? 0 : brokenAt === 2 ? 1 : 2 };
}

Deno.test("fitChainModel() learns broken steps and keeps the stage below the first one", () => {
  const train = [
    ...Array.from({ length: 60 }, () => group(null)),
    ...Array.from({ length: 8 }, () => group(1.5)),
    ...Array.from({ length: 8 }, () => group(2)),
  ];
  const layout = chainLayout(train);
  const model = fitChainModel(train, layout);
  assert.ok(model);
  // 60 × 2 clean steps, 8 sets broken at the first step (one step each), 8 at the second (two).
  assert.equal(model.steps, 120 + 8 + 16);
  assert.equal(model.broken, 16);
  const pick = (g: { members: GroupMemberInput[] }) => {
    const lp = chainLogProbabilities(model, g.members, layout)!;
    return lp.indexOf(Math.max(...lp));
  };
  for (const brokenAt of [null, 1.5, 2] as const) {
    for (let k = 0; k < 5; k++) {
      const g = group(brokenAt);
      assert.equal(pick(g), g.chosen, `broken at ${brokenAt}`);
    }
  }
  // The step into the broken stage is called broken, the one before it is not.
  const steps = evaluateChain(model, group(2).members, layout)!.steps;
  assert.deepEqual(steps.map((s) => [s.from, s.to]), [[0, 1], [1, 2]]);
  assert.ok(steps[0]!.broken < 0.5 && steps[1]!.broken > 0.5, JSON.stringify(steps));
  // Probabilities over a chain sum to 1; member order does not matter.
  const g = group(2);
  const lp = chainLogProbabilities(model, g.members, layout)!;
  assert.ok(Math.abs(lp.reduce((a, v) => a + Math.exp(v), 0) - 1) < 1e-9);
  const reversed = chainLogProbabilities(model, [...g.members].reverse(), layout)!;
  assert.deepEqual(reversed, [...lp].reverse());
});

Deno.test("chainLogProbabilities() is null for groups that are not a chain", () => {
  const train = Array.from({ length: 30 }, (_, i) => group(i % 5 === 0 ? 2 : null));
  const layout = chainLayout(train);
  const model = fitChainModel(train, layout)!;
  const s = base();
  // Two variants of one stage, an unstaged member, a member without a signature.
  assert.equal(
    chainLogProbabilities(model, [member(1, s), member(2, s, "a"), member(2, s, "b")], layout),
    null,
  );
  assert.equal(chainLogProbabilities(model, [member(1, s), member(null, s)], layout), null);
  assert.equal(chainLogProbabilities(model, [member(1, s), member(2, null)], layout), null);
  assert.deepEqual(mixChainScores([2, 1], null, { mlp: 1, chain: 1 }), [2, 1]);
  assert.deepEqual(mixChainScores([2, 1], [-3, -0.5], { mlp: 1, chain: 2 }), [-4, 0]);
});

Deno.test("fitChainModel() returns null without a broken step to learn from", () => {
  const train = Array.from({ length: 20 }, () => group(null));
  assert.equal(fitChainModel(train, chainLayout(train)), null);
});

/** Start of the native-tile values (after the r, g, b, detail and highlight planes). */
const NATIVE_OFFSET = 5 * SIGNATURE_GRID * SIGNATURE_GRID;

/** A three-stage group of `project`; `sharp` over-sharpens the top (detail ×2.5 everywhere). */
function tasteGroup(
  project: string,
  sharp: boolean,
  kept: number,
): { members: GroupMemberInput[]; chosen: number } {
  const g = group(null);
  const top = g.members[2]!.features.blocks!.signature!;
  if (sharp) {
    const d0 = 3 * SIGNATURE_GRID * SIGNATURE_GRID;
    for (let j = d0; j < d0 + SIGNATURE_GRID * SIGNATURE_GRID; j++) top[j] = top[j]! * 2.5;
    for (let j = NATIVE_OFFSET; j < SIGNATURE_SIZE; j++) top[j] = top[j]! * 2.5 + 0.05;
  }
  for (const m of g.members) m.project = project;
  return { members: g.members, chosen: kept };
}

Deno.test("fitChainModel() keeps a project's taste in its project (no evidence: no effect)", () => {
  // Project a passes over over-sharpened tops (its taste), b keeps them, c never had one;
  // every project has plain groups and pasted-patch defects (shared: a defect for anyone).
  const train: { members: GroupMemberInput[]; chosen: number }[] = [];
  for (let p = 0; p < 3; p++) {
    for (let i = 0; i < 40; i++) train.push(group(null));
    for (let i = 0; i < 6; i++) train.push(group(i % 2 ? 2 : 1.5));
  }
  train.forEach((g, i) => {
    const p = ["a", "b", "c"][Math.floor(i / 46)]!;
    for (const m of g.members) m.project = p;
  });
  for (let i = 0; i < 12; i++) train.push(tasteGroup("a", true, 1), tasteGroup("b", true, 2));
  const layout = chainLayout(train);
  const local = fitChainModel(train, layout)!;
  const shared = fitChainModel(train, layout, { taste: [] })!;
  assert.deepEqual(local.taste, [...TASTE_FEATURES]);
  assert.equal(shared.taste, undefined);
  const topBroken = (model: ChainModel, project: string): number => {
    let s = 0;
    for (let k = 0; k < 10; k++) {
      s += evaluateChain(model, tasteGroup(project, true, 2).members, layout)!.steps[1]!.broken;
    }
    return s / 10;
  };
  // The taste is learned where it was shown …
  assert.ok(topBroken(local, "a") > 0.5, `a: ${topBroken(local, "a")}`);
  // … not where the creator showed the opposite, nor where nothing was shown.
  assert.ok(topBroken(local, "b") < 0.2, `b: ${topBroken(local, "b")}`);
  assert.ok(topBroken(local, "c") < 0.2, `c: ${topBroken(local, "c")}`);
  assert.ok(topBroken(local, "unseen") < 0.2, `unseen: ${topBroken(local, "unseen")}`);
  // With every feature shared, project c inherits the others' average taste.
  assert.ok(topBroken(shared, "c") > topBroken(local, "c") + 0.05);
  // Defects stay shared: a pasted patch is broken in every project.
  for (const p of ["a", "b", "c"]) {
    const g = group(2);
    for (const m of g.members) m.project = p;
    assert.ok(evaluateChain(local, g.members, layout)!.steps[1]!.broken > 0.5, p);
  }
});

Deno.test("fitChainModel() with a broken-step weight calls unusual steps broken more readily", () => {
  const train = [
    ...Array.from({ length: 60 }, () => group(null)),
    ...Array.from({ length: 6 }, () => group(2)),
  ];
  const layout = chainLayout(train);
  const plain = fitChainModel(train, layout)!;
  const weighted = fitChainModel(train, layout, { brokenWeight: 3 })!;
  assert.equal(plain.broken_weight, undefined);
  assert.equal(weighted.broken_weight, 3);
  const verdicts = (g: { members: GroupMemberInput[] }) =>
    [
      evaluateChain(plain, g.members, layout)!,
      evaluateChain(weighted, g.members, layout)!,
    ] as const;
  for (let k = 0; k < 5; k++) {
    // Broken into stage 2: keeping stage 1.5 (member 1) gets likelier; a clean group's top
    // stays the pick.
    const [a, b] = verdicts(group(2));
    assert.ok(b.logProbs[1]! > a.logProbs[1]!, `keep 1.5: ${a.logProbs[1]} → ${b.logProbs[1]}`);
    const [c, d] = verdicts(group(null));
    assert.ok(d.logProbs[2]! < c.logProbs[2]! && d.logProbs[2]! > Math.log(0.5));
    // The reported P(broken) has the weight taken back out: about the plain fit's.
    for (const [x, y] of [[a, b], [c, d]] as const) {
      x.steps.forEach((s, j) => assert.ok(Math.abs(s.broken - y.steps[j]!.broken) < 0.1));
    }
  }
  assert.throws(() => fitChainModel(train, layout, { brokenWeight: 0 }), RangeError);
});

Deno.test("checkChainModel() names a saved chain model whose coefficients do not fit its layout", () => {
  const train = [
    ...Array.from({ length: 60 }, () => group(null)),
    ...Array.from({ length: 8 }, () => group(2)),
  ];
  const model = fitChainModel(train, chainLayout(train))!;
  assert.equal(checkChainModel(model), null);
  // Saved for another layout (one transition feature fewer, another project): named.
  assert.match(
    checkChainModel({ ...model, coef: model.coef.slice(1) })!,
    /^coef has \d+ values, the layout needs \d+$/,
  );
  assert.match(checkChainModel({ ...model, projects: ["p", "q"] })!, /the layout needs/);
  assert.match(checkChainModel({ ...model, bias: Number.NaN })!, /bias/);
  assert.match(checkChainModel({ ...model, kinds: "1->2" as unknown as string[] })!, /lists/);
  assert.match(
    checkChainModel({ ...model, coef: model.coef.map((c, i) => (i === 3 ? Number.NaN : c)) })!,
    /^coef\[3\] is null, need a number$/,
  );
  // A taste reference cut short, or with a scale of 0, would divide out of step.
  const ref = model.taste_ref!;
  const [p, kinds] = Object.entries(ref)[0]!;
  const [k, r] = Object.entries(kinds)[0]!;
  const cut = { ...ref, [p]: { ...kinds, [k]: { ...r, median: r.median.slice(1) } } };
  assert.match(
    checkChainModel({ ...model, taste_ref: cut })!,
    new RegExp(`^taste_ref\\.${p}\\..+\\.median needs 5 numbers$`),
  );
  const zero = { ...ref, [p]: { ...kinds, [k]: { ...r, scale: r.scale.map(() => 0) } } };
  assert.match(checkChainModel({ ...model, taste_ref: zero })!, /scale needs 5 numbers above 0/);
});

Deno.test("chainNovelty() reads a step against its kind's usual steps: a usual-sized change is not novel, a colour cast or a pasted patch is", () => {
  const g2 = SIGNATURE_GRID * SIGNATURE_GRID;
  /** Every colour plane shifted by `r`, `g`, `b` (a brightness change moves all three together). */
  const shifted = (s: Float32Array, r: number, g: number, b: number) => {
    const out = noisy(s);
    for (let i = 0; i < g2; i++) {
      out[i] = out[i]! + r;
      out[g2 + i] = out[g2 + i]! + g;
      out[2 * g2 + i] = out[2 * g2 + i]! + b;
    }
    return out;
  };
  const usual = () => {
    const s1 = base(), s15 = noisy(s1), k = (rand() - 0.5) * 0.08;
    return {
      members: [member(1, s1), member(1.5, s15), member(2, shifted(s15, k, k, k))],
      chosen: 2,
    };
  };
  const train = [
    ...Array.from({ length: 120 }, usual),
    ...Array.from({ length: 12 }, () => group(2)),
  ];
  const layout = chainLayout(train);
  const model = fitChainModel(train, layout)!;
  assert.ok(model.novelty?.["1.5->2"] && model.novelty["any"], "a reference per kind and overall");
  assert.equal(fitChainModel(train, layout, { novelty: false })!.novelty, undefined);
  assert.equal(
    model.coef.length,
    fitChainModel(train, layout, { novelty: false })!.coef.length + 1,
  );
  const novelty = (r: number, g: number, b: number) => {
    let sum = 0;
    for (let k = 0; k < 10; k++) {
      const s1 = base(), s15 = noisy(s1);
      const m = [member(1, s1), member(1.5, s15), member(2, shifted(s15, r, g, b))];
      sum += chainNovelty(model, m, layout)![1]! / 10;
    }
    return sum;
  };
  // The same size of change: along the usual brightness shift, or a colour cast across it.
  const along = novelty(0.04, 0.04, 0.04), across = novelty(0.04, 0, -0.04);
  const still = novelty(0, 0, 0);
  assert.ok(across > along + 1, `cast ${across} vs brightness ${along}`);
  assert.ok(along < still + 1, `brightness ${along} vs none ${still}`);
  // A pasted patch reads as unusual, and no chain without a signature.
  assert.ok(chainNovelty(model, group(2).members, layout)![1]! > across);
  assert.equal(chainNovelty(model, [member(1, null), member(2, base())], layout), null);
  // A saved reference that does not fit the layout is refused, naming the field.
  const bad = structuredClone(model);
  bad.novelty!["any"]!.precision.pop();
  assert.match(checkChainModel(bad) ?? "", /novelty\.any\.precision needs \d+ numbers/);
  assert.match(
    checkChainModel({
      ...model,
      novelty: [1, 2] as unknown as NonNullable<ChainModel["novelty"]>,
    }) ?? "",
    /novelty must be an object of step kinds/,
  );
});
