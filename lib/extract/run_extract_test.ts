import assert from "node:assert/strict";
import { encodeRaw } from "../image/mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { runExtract } from "./mod.ts";
import { extractCoverage } from "./extract_coverage.ts";

/** One two-stage group in `raw`; `final` holds the given deliverable (or a stranger). */
async function project(dir: string, deliver: "stage2" | "stranger"): Promise<[string, string]> {
  const raw = `${dir}/p_raw`, final = `${dir}/p_final`;
  await Deno.mkdir(raw, { recursive: true });
  await Deno.mkdir(final, { recursive: true });
  const s1 = synthImage(96, 72, { seed: 11, noise: 10 });
  const s2 = synthImage(96, 72, { seed: 12, noise: 10 });
  await Deno.writeFile(`${raw}/20250101_100000_stage1_generated.png`, await encodeRaw(s1));
  await Deno.writeFile(`${raw}/20250101_100200_stage2_upscaled.png`, await encodeRaw(s2));
  const file = deliver === "stage2" ? "20250101_100200_stage2_upscaled.png" : "other_0001.png";
  const img = deliver === "stage2" ? s2 : synthImage(96, 72, { seed: 99, noise: 40 });
  await Deno.writeFile(`${final}/${file}`, await encodeRaw(img));
  return [raw, final];
}

Deno.test("runExtract() returns the report with its coverage and no error when the deliverable is found", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-run-extract-" });
  try {
    const [raw, final] = await project(dir, "stage2");
    const r = await runExtract(raw, final, { project: "p" });
    assert.equal(r.report.groups, 1);
    assert.equal(r.report.chosen_by_name, 1);
    assert.deepEqual(r.coverage, extractCoverage(r.report));
    assert.deepEqual(r.errors, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runExtract() returns (not throws) a coverage error when nothing delivered is found, unless allowed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-run-extract-" });
  try {
    const [raw, final] = await project(dir, "stranger");
    const r = await runExtract(raw, final, { project: "p" });
    assert.equal(r.report.chosen_by_name + r.report.chosen_by_content, 0);
    assert.ok(r.errors.length > 0);
    assert.match(r.errors[0]!, /extraction/);
    const allowed = await runExtract(raw, final, {
      project: "p",
      allowEmpty: ["extraction", "crop"],
    });
    assert.deepEqual(allowed.errors, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
