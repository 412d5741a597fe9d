import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CharacterInfo, planGroups, planProjects } from "./_plan.ts";
import { planSubjectHabit } from "./_art.ts";
import { loadPhotos, type PhotoCatalog, renderScene } from "./_render.ts";

const artDir = fileURLToPath(new URL("../../data/art", import.meta.url));
const art = JSON.parse(await Deno.readTextFile(`${artDir}/art.json`)) as PhotoCatalog;
const characters: CharacterInfo[] = art.characters.map((c) => ({
  name: c.name,
  file: c.file,
  width: c.subject[2],
  height: c.subject[3],
  subject: c.subject,
  face: c.face,
}));

function plan(seed: number) {
  const [project] = planProjects(seed, 1, [0.05], characters.map((c) => c.name));
  project!.subject_crop = planSubjectHabit(seed, project!.id, project!.characters);
  return {
    project: project!,
    groups: planGroups(project!, {
      seed,
      logged: 1500,
      heldout: 0,
      scale: 0.25,
      characters,
      backgrounds: ["brick.png"],
    }),
  };
}

Deno.test("data/art: every character has a file, a licence row and a face inside its subject", async () => {
  const licences = await Deno.readTextFile(`${artDir}/LICENSES.md`);
  assert.ok(art.characters.length > 0, "art.json lists no character");
  for (const c of art.characters) {
    assert.ok((await Deno.stat(`${artDir}/${c.file}`)).isFile, c.file);
    assert.ok(licences.includes(`\`${c.file}\``), `${c.file} has no licence row`);
    const [sx0, sy0, sx1, sy1] = c.subject, [fx0, fy0, fx1, fy1] = c.face;
    assert.ok(fx0 >= sx0 && fy0 >= sy0 && fx1 <= sx1 && fy1 <= sy1 && fx1 > fx0, c.name);
  }
});

Deno.test("subject creator: subjects anywhere and of any size, crops aspect-locked around them", () => {
  const { groups } = plan(3);
  const cx = groups.map((g) => (g.subject_box[0] + g.subject_box[2]) / 2);
  const h = groups.map((g) => g.subject_box[3] - g.subject_box[1]);
  // Off-centre and varying in size, not the photo creator's centred full figures.
  assert.ok(cx.filter((v) => Math.abs(v - 0.5) > 0.15).length > groups.length * 0.2);
  assert.ok(Math.min(...h) < 0.45 && Math.max(...h) > 0.9);
  const cropped = groups.filter((g) => g.crop_box);
  assert.ok(cropped.length > groups.length * 0.5 && cropped.length < groups.length);
  for (const g of cropped) {
    const [x1, y1, x2, y2] = g.crop_box!;
    assert.ok(Math.abs((x2 - x1) - (y2 - y1)) < 1e-9, "aspect-locked");
    assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 1 + 1e-9 && y2 <= 1 + 1e-9, "inside the frame");
    // The crop follows the subject: it overlaps the subject's face rows.
    assert.ok(y1 <= g.face_box[3] && y2 >= g.face_box[1], g.group_id);
  }
});

Deno.test("subject creator: the crop's size follows the subject's size (noisy, not constant)", () => {
  const { groups } = plan(5);
  const xs = groups.filter((g) => g.crop_box).map((g) => ({
    h: g.subject_box[3] - g.subject_box[1],
    side: g.crop_box![2] - g.crop_box![0],
  }));
  const mh = xs.reduce((s, x) => s + x.h, 0) / xs.length;
  const ms = xs.reduce((s, x) => s + x.side, 0) / xs.length;
  let cov = 0, vh = 0, vs = 0;
  for (const x of xs) {
    cov += (x.h - mh) * (x.side - ms);
    vh += (x.h - mh) ** 2;
    vs += (x.side - ms) ** 2;
  }
  const r = cov / Math.sqrt(vh * vs);
  assert.ok(r > 0.3 && r < 0.995, `correlation ${r}`);
});

Deno.test("renderScene() pastes a drawing along its own outline", async () => {
  const photosDir = fileURLToPath(new URL("../../data/demo/photos", import.meta.url));
  const c = art.characters.find((x) => x.name === "business_woman")!;
  const photos = await loadPhotos(photosDir, {
    characters: [{ ...c, file: `${artDir}/${c.file}` }],
    backgrounds: ["brick.png"],
  });
  assert.ok(photos.characters.get("business_woman")!.alpha, "alpha kept");
  const { groups } = plan(7);
  const g = { ...groups[0]!, character: "business_woman" };
  g.scene = {
    ...g.scene,
    background: "brick.png",
    grade: [1, 1, 1],
    subject_part: [0, 0, 1, 1],
    flip: false,
    cx: 0.7,
    top: 0.1,
    height: 0.6,
  };
  const img = await renderScene(g, photos);
  const px = (x: number, y: number) => {
    const i = (y * img.width + x) * 3;
    return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
  };
  // The drawing's transparent surroundings show the brick photo, not a white sheet: the
  // column just left of the figure and the frame's left edge are both background.
  const figureLeft = Math.round((0.7 - (0.6 * img.height * 279 / 640) / img.width / 2) * img.width);
  const beside = px(Math.max(0, figureLeft - 3), Math.round(img.height * 0.12));
  assert.ok(!beside.every((v) => v > 240), `white sheet beside the figure: ${beside}`);
  // The jacket (blue) is pasted: a pixel inside the figure is bluer than the grey bricks.
  const jacket = px(Math.round(0.7 * img.width), Math.round(img.height * (0.1 + 0.6 * 0.3)));
  assert.ok(jacket[2]! > jacket[0]! + 30, `jacket ${jacket}`);
});
