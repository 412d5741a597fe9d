import assert from "node:assert/strict";
import { probe } from "../image/mod.ts";
import { parseFilenameTimestamp, parseStage } from "../paths/mod.ts";
import { simulate } from "./mod.ts";
import type { RawFinalRecord } from "./simulate.ts";
import type { GroundTruthRecord } from "./types.ts";

/** Minimal RFC 4180 reader for the test (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], field = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const dir = await Deno.makeTempDir({ prefix: "keeper_sim_test_" });
// One simulated project shared by the tests below, removed when the test run ends.
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const out = `${dir}/sim`;
const summary = await simulate(out, {
  seed: 7,
  projects: 2,
  groups: 24,
  heldout: 6,
  anomalyRate: [0.3, 0.15],
  scale: 0.125,
});
const records: GroundTruthRecord[] = (await Deno.readTextFile(`${out}/ground_truth.jsonl`))
  .split("\n").filter((l) => l).map((l) => JSON.parse(l));

Deno.test("simulate() writes every group with real stage sizes (scaled) and readable PNGs", async () => {
  assert.equal(summary.groups_logged, 48);
  assert.equal(summary.groups_heldout, 12);
  assert.equal(records.length, 60);
  let images = 0;
  for (const r of records) {
    const base = r.members.find((m) => m.stage === 1 || m.stage === 1.5) ?? null;
    for (const m of r.members) {
      images++;
      const info = await probe(`${out}/${m.path}`);
      assert.deepEqual([info.width, info.height], [m.width, m.height], m.path);
      assert.equal(parseStage(m.filename), m.stage);
      if (m.stage === 3) assert.deepEqual([m.width, m.height], [384, 384]);
      if (m.stage === 2 && base) {
        assert.deepEqual([m.width, m.height], [base.width * 2, base.height * 2]);
      }
      if (m.stage === 1.5) {
        const s1 = r.members.find((x) => x.stage === 1)!;
        assert.deepEqual([m.width, m.height], [s1.width, s1.height]);
      }
      if (m.stage === 1) {
        assert.ok(
          [[128, 128], [104, 152], [152, 104]].some(([w, h]) => w === m.width && h === m.height),
          `${m.width}x${m.height}`,
        );
      }
    }
  }
  assert.equal(images, summary.images);
});

Deno.test("simulate() spaces stage files 20-295 s apart, each with its own timestamp", () => {
  const gaps: number[] = [];
  for (const r of records) {
    const times = r.members.map((m) => parseFilenameTimestamp(m.filename)!);
    for (let i = 1; i < times.length; i++) gaps.push((times[i]! - times[i - 1]!) / 1000);
  }
  assert.ok(
    gaps.every((g) => g >= 20 && g <= 295),
    `gaps ${Math.min(...gaps)}..${Math.max(...gaps)}`,
  );
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  assert.ok(median > 60 && median < 120, `median ${median}`);
});

Deno.test("simulate() writes companions beside most PNGs and none without an image", async () => {
  let pngs = 0, yaml = 0, caption = 0, orphans = 0;
  for (const r of records) {
    const names = new Set<string>();
    for await (const e of Deno.readDir(`${out}/${r.dir}`)) names.add(e.name);
    for (const m of r.members) {
      const stem = m.filename.replace(/\.png$/, "");
      pngs++;
      if (names.has(`${stem}.yaml`)) yaml++;
      if (names.has(`${stem}.caption`)) caption++;
    }
    for (const n of names) {
      if (!n.endsWith(".png") && !names.has(n.replace(/\.[^.]+$/, ".png"))) orphans++;
    }
  }
  assert.ok(yaml / pngs > 0.9, `yaml ${yaml}/${pngs}`);
  assert.ok(caption / pngs > 0.7 && caption < pngs, `caption ${caption}/${pngs}`);
  assert.equal(orphans, 0);
  const text = await Deno.readTextFile(
    `${out}/${records[0]!.members[0]!.path.replace(/png$/, "yaml")}`,
  );
  assert.match(text, /^stage: stage1_generated|^stage: stage2_upscaled/);
});

Deno.test("simulate() puts defects only in stages above the lowest and never in a chosen image it rejected", () => {
  let defective = 0;
  for (const r of records) {
    assert.equal(r.members[0]!.defects.length, 0, r.group_id);
    const chosen = r.members[r.chosen_index]!;
    if (r.outcome === "defect") {
      defective++;
      assert.equal(chosen.defects.length, 0, r.group_id);
      assert.ok(r.members.some((m, i) => i > r.chosen_index && m.defects.length > 0));
      assert.ok(r.anomaly);
    }
    for (const m of r.members) {
      for (const d of m.defects) {
        assert.ok(d.origin_stage <= m.stage && d.origin_stage > r.members[0]!.stage);
      }
    }
  }
  assert.ok(defective > 0, "the high rate must produce defect groups");
});

Deno.test("simulate() crops keep the aspect ratio, mostly start at the top, and some are no-crop", () => {
  for (const r of records) {
    if (!r.needs_crop) {
      assert.equal(r.crop_box, null);
      continue;
    }
    const [x1, y1, x2, y2] = r.crop_box!;
    assert.ok(Math.abs((x2 - x1) - (y2 - y1)) < 1e-9, r.group_id);
    assert.ok(x1 >= 0 && y1 >= 0 && x2 <= 1 + 1e-9 && y2 <= 1 + 1e-9);
  }
  const crops = records.filter((r) => r.needs_crop);
  const top = crops.filter((r) => r.crop_box![1] === 0).length / crops.length;
  assert.ok(top > 0.4 && top < 0.9, `top-anchored ${top}`);
});

Deno.test("simulate() logs agree with ground truth (paths, negatives, pixel boxes, anomaly rate)", async () => {
  const sel = parseCsv(await Deno.readTextFile(`${out}/logs/selection_only_log.csv`));
  const crop = parseCsv(await Deno.readTextFile(`${out}/logs/select_crop_log.csv`));
  assert.deepEqual(sel[0], ["session_id", "set_id", "chosen_path", "neg_paths", "timestamp"]);
  assert.equal(crop[0]!.length, 19);
  assert.ok(crop.slice(1).every((row) => row.length === 19));
  const logged = records.filter((r) => r.split === "logged");
  assert.equal(sel.length - 1, logged.length);
  assert.equal(crop.length - 1, logged.length);
  const selByChosen = new Map(sel.slice(1).map((row) => [row[2]!, row]));
  const cropByChosen = new Map(crop.slice(1).map((row) => [row[5]!, row]));
  const anomalies = new Map<string, number>();
  for (const r of logged) {
    const root = `PROJECT_ROOT/${r.project}/${r.character}/`;
    const chosen = r.members[r.chosen_index]!;
    const row = selByChosen.get(root + chosen.filename);
    assert.ok(row, r.group_id);
    const neg = JSON.parse(row[3]!) as string[];
    assert.deepEqual(
      neg.sort(),
      r.members.filter((_, i) => i !== r.chosen_index).map((m) => root + m.filename).sort(),
    );
    const c = cropByChosen.get(root + chosen.filename);
    assert.ok(c, r.group_id);
    const [x1, y1, x2, y2] = c.slice(6, 10).map(Number) as [number, number, number, number];
    assert.deepEqual([Number(c[13]), Number(c[14])], [chosen.width, chosen.height]);
    const box = r.crop_box ?? [0, 0, 1, 1];
    assert.ok(
      Math.abs(x1 - box[0] * chosen.width) <= 0.5 && Math.abs(y2 - box[3] * chosen.height) <= 0.5,
    );
    assert.ok(Math.abs(x2 - x1) > 1 || Math.abs(y2 - y1) > 1, "pixel units");
    const maxOther = Math.max(...neg.map((p) => parseStage(p)!));
    if (parseStage(row[2]!)! < maxOther) {
      anomalies.set(r.project, (anomalies.get(r.project) ?? 0) + 1);
    }
  }
  for (const [p, rate] of Object.entries(summary.anomaly_rate_by_project)) {
    const n = logged.filter((r) => r.project === p).length;
    assert.ok(Math.abs((anomalies.get(p) ?? 0) / n - rate) < 1e-3, p);
  }
  const heldoutPaths = records.filter((r) => r.split === "heldout").flatMap((r) => r.members)
    .map((m) => m.filename);
  const logText = await Deno.readTextFile(`${out}/logs/selection_only_log.csv`);
  assert.ok(heldoutPaths.every((f) => !logText.includes(f)));
});

Deno.test("simulate() writes a mojo-style manifest per project", async () => {
  const m = JSON.parse(await Deno.readTextFile(`${out}/projects/sim1.project.json`));
  assert.equal(m.schemaVersion, 1);
  assert.equal(m.projectId, "sim1");
  assert.equal(m.counts.finalImages, 24);
  assert.ok(Array.isArray(m.paths.characterGroups) && m.paths.characterGroups.length >= 2);
});

Deno.test("simulate() is deterministic by seed and refuses a non-empty folder", async () => {
  const a = `${dir}/a`, b = `${dir}/b`, c = `${dir}/c`;
  const o = { projects: 1, groups: 4, heldout: 1, scale: 0.0625 };
  await simulate(a, { ...o, seed: 3 });
  await simulate(b, { ...o, seed: 3 });
  await simulate(c, { ...o, seed: 4 });
  const gt = (d: string): Promise<string> => Deno.readTextFile(`${d}/ground_truth.jsonl`);
  assert.equal(await gt(a), await gt(b));
  assert.notEqual(await gt(a), await gt(c));
  const first = JSON.parse((await gt(a)).split("\n")[0]!) as GroundTruthRecord;
  const bytes = (d: string): Promise<Uint8Array> =>
    Deno.readFile(`${d}/${first.members.at(-1)!.path}`);
  assert.deepEqual(await bytes(a), await bytes(b));
  await assert.rejects(() => simulate(a, { ...o, seed: 9 }), /not empty/);
  const again = await simulate(a, { ...o, seed: 3 });
  assert.equal(again.images, (await simulate(b, { ...o, seed: 3 })).images);
});

Deno.test("simulate() resumes an interrupted run and ends with the same files as an uninterrupted one", async () => {
  const a = `${dir}/resume_a`, b = `${dir}/resume_b`;
  const o = { projects: 1, groups: 6, heldout: 2, scale: 0.0625, seed: 5, concurrency: 1 };
  let calls = 0;
  await assert.rejects(
    () =>
      simulate(a, {
        ...o,
        onProgress: () => {
          if (++calls === 3) throw new Error("interrupted");
        },
      }),
    /interrupted/,
  );
  await assert.rejects(() => Deno.stat(`${a}/summary.json`), Deno.errors.NotFound);
  const seen: number[] = [];
  const resumed = await simulate(a, { ...o, onProgress: (done) => seen.push(done) });
  const clean = await simulate(b, o);
  assert.equal(seen.at(-1), 8);
  assert.deepEqual({ ...resumed, out: "" }, { ...clean, out: "" });
  const gt = (d: string): Promise<string> => Deno.readTextFile(`${d}/ground_truth.jsonl`);
  assert.equal(await gt(a), await gt(b));
  for (const line of (await gt(b)).split("\n").filter((l) => l)) {
    for (const m of (JSON.parse(line) as GroundTruthRecord).members) {
      assert.deepEqual(
        await Deno.readFile(`${a}/${m.path}`),
        await Deno.readFile(`${b}/${m.path}`),
      );
    }
  }
  await assert.rejects(() => Deno.stat(`${a}/partial.json`), Deno.errors.NotFound);
});

Deno.test("simulate({ threads: 2 }) renders in workers and writes the same files as one thread", async () => {
  const a = `${dir}/threads_1`, b = `${dir}/threads_2`;
  const o = { projects: 1, groups: 5, heldout: 1, scale: 0.0625, seed: 6 };
  const one = await simulate(a, o);
  const two = await simulate(b, { ...o, threads: 2 });
  assert.deepEqual({ ...two, out: "" }, { ...one, out: "" });
  const gt = await Deno.readTextFile(`${a}/ground_truth.jsonl`);
  assert.equal(await Deno.readTextFile(`${b}/ground_truth.jsonl`), gt);
  for (const line of gt.split("\n").filter((l) => l)) {
    for (const m of (JSON.parse(line) as GroundTruthRecord).members) {
      assert.deepEqual(
        await Deno.readFile(`${b}/${m.path}`),
        await Deno.readFile(`${a}/${m.path}`),
      );
    }
  }
});

Deno.test("simulate({ rawFinal }) writes raw and delivered folders with cropped, renamed, re-encoded finals", async () => {
  const rf = `${dir}/rf`;
  const s = await simulate(rf, {
    seed: 2,
    projects: 1,
    groups: 30,
    heldout: 2,
    scale: 0.0625,
    rawFinal: true,
  });
  const lines = (await Deno.readTextFile(`${rf}/raw_final/ground_truth.jsonl`)).split("\n").filter((
    l,
  ) => l);
  const recs = lines.map((l) => JSON.parse(l) as RawFinalRecord);
  assert.equal(recs.length, s.groups_logged);
  for (const r of recs) {
    for (const p of r.raw_paths) await Deno.stat(`${rf}/${p}`);
    if (r.all_rejected) {
      assert.equal(r.final_path, null);
      assert.equal(r.chosen_index, -1);
      continue;
    }
    assert.match(r.final_path!, /^raw_final\/sim1_final\/[a-z_]+\/[^/]+\.(png|jpg)$/);
    const info = await probe(`${rf}/${r.final_path}`);
    const raw = await probe(`${rf}/${r.raw_paths[r.chosen_index]!}`);
    if (r.crop_px) {
      assert.deepEqual([info.width, info.height], [
        r.crop_px[2] - r.crop_px[0],
        r.crop_px[3] - r.crop_px[1],
      ]);
    } else assert.deepEqual([info.width, info.height], [raw.width, raw.height]);
    assert.equal(info.format, r.format);
  }
  assert.ok(recs.some((r) => r.renamed) && recs.some((r) => !r.renamed));
  assert.ok(
    recs.some((r) => r.format === "jpeg") &&
      recs.some((r) => r.crop_px === null || r.crop_px[1] === 0),
  );
});
