import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { RawImage } from "../image/mod.ts";
import { planGroups, planProjects } from "./_plan.ts";
import { loadPhotos, type PhotoCatalog, renderGroup } from "./_render.ts";

const photosDir = fileURLToPath(new URL("../../data/demo/photos", import.meta.url));
const catalog = JSON.parse(
  await Deno.readTextFile(`${photosDir}/../photos.json`),
) as PhotoCatalog;
const photos = await loadPhotos(photosDir, catalog);
const infos = [...photos.characters.values()].map((c) => c.info);
const [project] = planProjects(5, 1, [0.6], infos.map((c) => c.name));
const plans = planGroups(project!, {
  seed: 5,
  logged: 60,
  heldout: 0,
  scale: 0.0625,
  characters: infos,
  backgrounds: catalog.backgrounds,
});

function meanAbsDiff(a: RawImage, b: RawImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0));
  return s / a.data.length;
}

Deno.test("renderGroup() changes only the defect's origin stage and the stages after it", async () => {
  const defective = plans.filter((p) => p.defects.length > 0).slice(0, 8);
  assert.ok(defective.length >= 4);
  const kinds = new Set<string>();
  for (const plan of defective) {
    const withDefect = await renderGroup(plan, photos);
    const clean = await renderGroup(plan, photos, true);
    const origin = plan.defects[0]!.origin_stage;
    kinds.add(plan.defects[0]!.kind);
    plan.members.forEach((m, i) => {
      const d = meanAbsDiff(withDefect[i]!, clean[i]!);
      if (m.stage < origin) assert.equal(d, 0, `${plan.group_id} stage ${m.stage}`);
      else assert.ok(d > 0, `${plan.group_id} stage ${m.stage} ${plan.defects[0]!.kind}`);
    });
  }
  assert.ok(kinds.size >= 3, [...kinds].join(","));
});

Deno.test("renderGroup() makes stage variants of one picture, not unrelated images", async () => {
  const plan = plans.find((p) => p.members.length === 3 && p.defects.length === 0)!;
  const [s1, s15, s2] = await renderGroup(plan, photos);
  // Stage 1.5 differs from stage 1 only a little (a local face change).
  const local = meanAbsDiff(s1!, s15!);
  assert.ok(local > 0 && local < 4, `1 vs 1.5: ${local}`);
  // Stage 2 is twice the size and, halved again, close to stage 1.5.
  assert.equal(s2!.width, s15!.width * 2);
  const { resizeRaw } = await import("../image/mod.ts");
  const half = await resizeRaw(s2!, { width: s15!.width, height: s15!.height });
  assert.ok(meanAbsDiff(half, s15!) < 12, `2 vs 1.5: ${meanAbsDiff(half, s15!)}`);
  const other = plans.find((p) =>
    p.scene.background !== plan.scene.background && p.members[0]!.width === s1!.width &&
    p.members[0]!.height === s1!.height
  );
  // Without another group of the same size the comparison would be skipped silently.
  assert.ok(other !== undefined, "the plans hold another same-size group on another background");
  const [o1] = await renderGroup(other, photos, true);
  assert.ok(meanAbsDiff(o1!, s1!) > meanAbsDiff(half, s15!), "another group differs more");
});
