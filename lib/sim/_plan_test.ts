import assert from "node:assert/strict";
import { type CharacterInfo, planGroups, planProjects } from "./_plan.ts";

const characters: CharacterInfo[] = [
  {
    name: "a",
    file: "a.png",
    width: 512,
    height: 512,
    subject: [20, 8, 372, 512],
    face: [168, 55, 282, 190],
  },
  {
    name: "b",
    file: "b.jpg",
    width: 512,
    height: 600,
    subject: [15, 20, 512, 600],
    face: [150, 120, 375, 335],
  },
  {
    name: "c",
    file: "c.png",
    width: 451,
    height: 300,
    subject: [0, 0, 451, 300],
    face: [130, 40, 340, 245],
  },
];

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

const [project] = planProjects(11, 1, [0.1], characters.map((c) => c.name));
const groups = planGroups(project!, {
  seed: 11,
  logged: 3000,
  heldout: 0,
  scale: 1,
  characters,
  backgrounds: ["bg.png"],
});

Deno.test("planGroups() reproduces the original's group compositions", () => {
  const share = (key: string): number =>
    groups.filter((g) => g.members.map((m) => m.stage).join(",") === key).length / groups.length;
  assert.ok(Math.abs(share("1,1.5,2") - 0.87) < 0.03, `${share("1,1.5,2")}`);
  assert.ok(Math.abs(share("1,2") - 0.08) < 0.02);
  assert.ok(share("2,3") > 0 && share("1,1.5,2,3") > 0 && share("1,2,3") > 0);
});

Deno.test("planGroups() crops look like the creator's: mean box, top anchoring, no-crop share", () => {
  const crops = groups.filter((g) => g.crop_box).map((g) => g.crop_box!);
  const noCrop = 1 - crops.length / groups.length;
  assert.ok(noCrop > 0.03 && noCrop < 0.15, `no-crop ${noCrop}`);
  const top = crops.filter((b) => b[1] === 0).length / crops.length;
  assert.ok(top > 0.5 && top < 0.8, `top ${top}`);
  const m = [0, 1, 2, 3].map((i) => mean(crops.map((b) => b[i]!)));
  const target = [0.12, 0.02, 0.86, 0.76];
  m.forEach((v, i) => assert.ok(Math.abs(v - target[i]!) < 0.08, `coord ${i}: ${v}`));
  const sides = crops.map((b) => b[2] - b[0]);
  const sd = Math.sqrt(mean(sides.map((s) => (s - mean(sides)) ** 2)));
  assert.ok(sd > 0.06 && sd < 0.2, `side sd ${sd}`);
});

Deno.test("planGroups() realises the project's anomaly rate with the creator's rules", () => {
  const anomalies = groups.filter((g) =>
    g.members.some((m, i) => i !== g.chosen_index && m.stage > g.members[g.chosen_index]!.stage)
  );
  const rate = anomalies.length / groups.length;
  assert.ok(Math.abs(rate - 0.1) < 0.02, `rate ${rate}`);
  // Taste flips exist and are not defects; noticed defects sit above the tolerance.
  assert.ok(anomalies.some((g) => g.outcome === "taste" && g.defects.length === 0));
  // Both defect outcomes occur, so the checks below are not vacuous.
  const outcomes = new Set(groups.map((g) => g.outcome));
  assert.ok(outcomes.has("defect") && outcomes.has("tolerated"), [...outcomes].join(", "));
  for (const g of groups.filter((x) => x.outcome === "defect")) {
    assert.ok(g.defects[0]!.severity >= project!.tolerance);
  }
  for (const g of groups.filter((x) => x.outcome === "tolerated")) {
    assert.ok(g.defects[0]!.severity < project!.tolerance);
    assert.equal(g.chosen_index, g.members.length - 1);
  }
});

Deno.test("planGroups() varies defect kinds (no single kind dominates)", () => {
  const kinds = new Map<string, number>();
  for (const g of groups) {
    for (const d of g.defects) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
  }
  assert.ok(kinds.size >= 6, [...kinds.keys()].join(","));
  const total = [...kinds.values()].reduce((s, n) => s + n, 0);
  assert.ok(Math.max(...kinds.values()) / total < 0.4);
});

Deno.test("planGroups() without the taste rule keeps the same over-processed tops, picking the top", () => {
  const free = planGroups({ ...project!, taste: false }, {
    seed: 11,
    logged: 3000,
    heldout: 0,
    scale: 1,
    characters,
    backgrounds: ["bg.png"],
  });
  const taste = groups.filter((g) => g.outcome === "taste");
  assert.ok(taste.length > 20);
  assert.equal(free.filter((g) => g.outcome === "taste").length, 0);
  free.forEach((g, i) => {
    const w = groups[i]!;
    // Same random stream: same pixels plan, only the pick and its label differ.
    assert.equal(g.sharpen, w.sharpen);
    assert.equal(g.enhance, w.enhance);
    if (w.outcome === "taste") {
      assert.equal(g.outcome, "taste_ignored");
      assert.equal(g.chosen_index, g.members.length - 1);
    } else {
      assert.equal(g.outcome, w.outcome);
      assert.equal(g.chosen_index, w.chosen_index);
    }
  });
});

Deno.test("planGroups() adds newer defect kinds and the face-swap taste rule on their own stream", () => {
  const projects = planProjects(5, 6, [0.3], characters.map((c) => c.name));
  const withSwap = projects.filter((p) => p.swap_limit !== undefined);
  assert.ok(withSwap.length >= 2 && withSwap.length < 6, `${withSwap.length} of 6 have the rule`);
  const p = withSwap[0]!;
  const plan = (q: typeof p) =>
    planGroups(q, {
      seed: 5,
      logged: 2000,
      heldout: 0,
      scale: 1,
      characters,
      backgrounds: ["bg.png"],
    });
  const gs = plan(p);
  const kinds = new Set(gs.flatMap((g) => g.defects.map((d) => d.kind)));
  for (const k of ["ghosting", "noise_burst", "banding", "smear", "face_mismatch"]) {
    assert.ok(kinds.has(k as never), k);
  }
  const swaps = gs.filter((g) => g.taste_rule === "swap");
  const sharps = gs.filter((g) => g.taste_rule === "sharpen");
  assert.ok(swaps.length > 10 && sharps.length > 10, `${swaps.length} / ${sharps.length}`);
  for (const g of swaps) {
    // A too-strong swap: the creator keeps the stage below 1.5.
    assert.ok(g.swap_strength > p.swap_limit!);
    assert.equal(g.members[g.chosen_index + 1]!.stage, 1.5);
  }
  // Every other group's swap stays below the limit: the rule is the creator's, not noise.
  for (const g of gs.filter((g) => g.taste_rule !== "swap")) assert.ok(g.swap_strength <= 0.9);
  // Without the rule (same seed), the groups that do not use it are the same plans.
  const { swap_limit: _, ...without } = p;
  const plain = plan(without);
  let same = 0;
  plain.forEach((g, i) => {
    if (gs[i]!.taste_rule !== "swap") {
      assert.deepEqual(g, gs[i]);
      same++;
    }
  });
  assert.equal(same, gs.length - swaps.length);
});
