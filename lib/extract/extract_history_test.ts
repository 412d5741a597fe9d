import assert from "node:assert/strict";
import { encodeRaw, type RawImage, resizeRaw } from "../image/mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { ingestLogs } from "../logs/mod.ts";
import { extractHistory } from "./mod.ts";

function crop(img: RawImage, x: number, y: number, w: number, h: number): RawImage {
  const c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let r = 0; r < h; r++) {
    data.set(
      img.data.subarray(((y + r) * img.width + x) * c, ((y + r) * img.width + x + w) * c),
      r * w * c,
    );
  }
  return { data, width: w, height: h, channels: c };
}

interface Fixture {
  raw: string;
  final: string;
  /** group stem → expected chosen file name / crop box. */
  truth: Map<string, { chosen: string | null; box: [number, number, number, number] | null }>;
}

/** Six two-stage groups with crafted deliverables (see each case below). */
async function makeFixture(dir: string): Promise<Fixture> {
  const raw = `${dir}/p_raw`, final = `${dir}/p_final`;
  await Deno.mkdir(raw, { recursive: true });
  await Deno.mkdir(`${final}/alice/portraits`, { recursive: true });
  await Deno.mkdir(`${final}/bob`, { recursive: true });
  const truth: Fixture["truth"] = new Map();
  const cases = [
    "plain_crop", // name match, cropped PNG in a character folder
    "renamed", // renamed + cropped
    "jpeg_top", // JPEG re-encode, crop touching the top edge
    "no_survivor",
    "two_survivors",
    "nested", // deeper character sub-folder, uncropped
  ];
  for (const [i, kind] of cases.entries()) {
    const t = `20250101_${String(10 + i).padStart(2, "0")}0000`;
    const s1 = synthImage(96, 72, { seed: 100 + i * 7, noise: 10 });
    const s2 = await resizeRaw(synthImage(96, 72, { seed: 100 + i * 7, noise: 10 }), {
      width: 192,
      height: 144,
    });
    const n1 = `${t}_stage1_generated`,
      n2 = `20250101_${String(10 + i).padStart(2, "0")}0200_stage2_upscaled`;
    await Deno.writeFile(`${raw}/${n1}.png`, await encodeRaw(s1));
    await Deno.writeTextFile(`${raw}/${n1}.yaml`, "stage: stage1_generated\n");
    await Deno.writeFile(`${raw}/${n2}.png`, await encodeRaw(s2));
    await Deno.writeTextFile(`${raw}/${n2}.yaml`, "stage: stage2_upscaled\n");
    const box: [number, number, number, number] = kind === "jpeg_top"
      ? [30, 0, 150, 100]
      : [20 + i * 3, 15, 20 + i * 3 + 130, 15 + 110];
    const cut = crop(s2, box[0], box[1], box[2] - box[0], box[3] - box[1]);
    if (kind === "plain_crop") {
      await Deno.writeFile(`${final}/alice/${n2}.png`, await encodeRaw(cut));
      // The same deliverable again under another name: still one choice, counted.
      await Deno.writeFile(`${final}/alice/alice_copy.png`, await encodeRaw(cut));
      truth.set(n1, { chosen: `${n2}.png`, box });
    } else if (kind === "renamed") {
      await Deno.writeFile(`${final}/bob/bob_0001.png`, await encodeRaw(cut));
      truth.set(n1, { chosen: `${n2}.png`, box });
    } else if (kind === "jpeg_top") {
      await Deno.writeFile(
        `${final}/bob/${n2}.jpg`,
        await encodeRaw(cut, { format: "jpeg", quality: 90 }),
      );
      truth.set(n1, { chosen: `${n2}.png`, box });
    } else if (kind === "no_survivor") {
      truth.set(n1, { chosen: null, box: null });
    } else if (kind === "two_survivors") {
      await Deno.writeFile(`${final}/alice/${n1}.png`, await encodeRaw(s1));
      await Deno.writeFile(`${final}/alice/${n2}.png`, await encodeRaw(s2));
      truth.set(n1, { chosen: null, box: null });
    } else {
      await Deno.writeFile(`${final}/alice/portraits/${n1}.png`, await encodeRaw(s1));
      truth.set(n1, { chosen: `${n1}.png`, box: [0, 0, 96, 72] });
    }
  }
  // A corrupt deliverable (truncated PNG) that matches nothing by name.
  const bytes = await encodeRaw(synthImage(64, 64, { seed: 9 }));
  await Deno.writeFile(`${final}/bob/broken.png`, bytes.subarray(0, 60));
  return { raw, final, truth };
}

async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) await walk(p);
      else {
        const st = await Deno.stat(p);
        const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", await Deno.readFile(p)));
        out.push(`${p} ${st.mtime?.getTime()} ${[...hash].join(".")}`);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

Deno.test("extractHistory() recovers renamed, re-encoded, cropped and nested choices and reports the rest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "extract_" });
  try {
    const fx = await makeFixture(dir);
    const before = [...await snapshot(fx.raw), ...await snapshot(fx.final)];
    const { report, groups } = await extractHistory(fx.raw, fx.final, {
      project: "proj",
      outDir: `${dir}/out`,
    });
    assert.equal(report.groups, 6);
    for (const g of groups) {
      const stem = g.members[0]!.replace(/\.png$/, "");
      const want = fx.truth.get(stem)!;
      if (want.chosen === null) {
        assert.notEqual(g.status, "chosen", stem);
        continue;
      }
      assert.equal(g.status, "chosen", stem);
      assert.equal(g.members[g.chosen_index!], want.chosen, stem);
      assert.deepEqual(g.crop?.box, want.box, stem);
    }
    const byStem = new Map(groups.map((g) => [g.members[0]!.replace(/\.png$/, ""), g]));
    const status = (k: number): string => byStem.get([...fx.truth.keys()][k]!)!.status;
    assert.equal(status(3), "all_rejected");
    assert.equal(status(4), "ambiguous");
    assert.equal(byStem.get([...fx.truth.keys()][1]!)!.via, "content");
    assert.equal(byStem.get([...fx.truth.keys()][5]!)!.character, "alice");
    assert.equal(report.chosen_by_name, 3);
    assert.equal(report.chosen_by_content, 1);
    assert.equal(report.all_rejected, 1);
    assert.equal(report.ambiguous, 1);
    assert.equal(report.failures["two_survivors"], 1);
    assert.equal(report.failures["final_corrupt"], 1);
    assert.equal(report.failures["delivered_twice"], 1);
    assert.deepEqual(report.unmatched_finals, ["bob/broken.png"]);
    // The jpeg crop touching the top edge: score reported, box exact.
    assert.ok(byStem.get([...fx.truth.keys()][2]!)!.crop!.score! > 0.95);
    // Raw and final folders are byte- and mtime-identical afterwards.
    assert.deepEqual([...await snapshot(fx.raw), ...await snapshot(fx.final)], before);
    // The logs ingest with zero rejected rows; all-rejected groups go to their own file.
    const ing = await ingestLogs(`${dir}/out`, { outDir: null });
    assert.equal(ing.selection.sets, 4);
    assert.deepEqual(ing.selection.rejected, {});
    assert.deepEqual(ing.crops.rejected, {});
    assert.equal(ing.crops.labels, 4);
    assert.equal(ing.selection.by_kind["extraction"], 4);
    const rejected = (await Deno.readTextFile(`${dir}/out/all_rejected.jsonl`)).trim().split("\n");
    assert.equal(rejected.length, 1);
    // Re-running with the same out reuses every finished group.
    const again = await extractHistory(fx.raw, fx.final, { project: "proj", outDir: `${dir}/out` });
    assert.equal(again.report.resumed, 6);
    assert.deepEqual(again.groups, groups);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("extractHistory() refuses a missing project id", async () => {
  await assert.rejects(() => extractHistory("a", "b", {}), /Cannot extract history: no "project"/);
});

Deno.test("extractHistory() reports a low-scoring crop and writes no crop label for it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "extract_low_" });
  try {
    await Deno.mkdir(`${dir}/raw`);
    await Deno.mkdir(`${dir}/final/carol`, { recursive: true });
    const a = "20250202_100000_stage1_generated", b = "20250202_100100_stage2_upscaled";
    await Deno.writeFile(`${dir}/raw/${a}.png`, await encodeRaw(synthImage(80, 60, { seed: 1 })));
    await Deno.writeFile(`${dir}/raw/${b}.png`, await encodeRaw(synthImage(160, 120, { seed: 1 })));
    // Delivered under the stage-2 name, but another picture: chosen by name, crop not trusted.
    await Deno.writeFile(
      `${dir}/final/carol/${b}.png`,
      await encodeRaw(synthImage(100, 90, { seed: 77, noise: 40 })),
    );
    const { report, groups } = await extractHistory(`${dir}/raw`, `${dir}/final`, {
      project: "p",
      outDir: `${dir}/out`,
    });
    assert.equal(report.chosen_by_name, 1);
    assert.equal(groups[0]!.crop!.status, "low_score");
    assert.ok(groups[0]!.crop!.score! < 0.9);
    assert.equal(report.failures["crop_low_score"], 1);
    const crops = (await Deno.readTextFile(`${dir}/out/select_crop_log.csv`)).trim().split("\n");
    assert.equal(crops.length, 1); // header only
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
