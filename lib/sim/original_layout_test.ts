import assert from "node:assert/strict";
import { ingestLogs } from "../logs/mod.ts";
import { simulate } from "./mod.ts";
import { ORIGINAL_HOME } from "./original_layout.ts";
import type { GroundTruthRecord } from "./types.ts";

Deno.test("simulate({ layout: 'original' }) leaves raw, final, logs and a date-only project map as the original tool did", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper_sim_original_" });
  try {
    const out = `${dir}/sim`;
    await simulate(out, {
      seed: 3,
      projects: 2,
      groups: 6,
      heldout: 2,
      scale: 0.0625,
      layout: "original",
    });
    const truth = (await Deno.readTextFile(`${out}/ground_truth.jsonl`)).trim().split("\n")
      .map((l) => JSON.parse(l) as GroundTruthRecord);
    const logged = truth.filter((r) => r.split === "logged");
    assert.equal(logged.length, 12);
    for (const r of logged) {
      r.members.forEach((m, k) => {
        // Picks were moved to <project>_final/<character>/, the rest stay flat in <project>/.
        const want = k === r.chosen_index
          ? `creator/${r.project}_final/${r.character}/${m.filename}`
          : `creator/${r.project}/${m.filename}`;
        assert.equal(m.path, want);
      });
      for (const m of r.members) assert.ok((await Deno.stat(`${out}/${m.path}`)).isFile);
    }
    assert.ok(logged.some((r) => r.members.some((m) => m.path.endsWith(".png"))));
    await assert.rejects(Deno.stat(`${out}/images`));
    const crop = await Deno.readTextFile(`${out}/logs/select_crop_log.csv`);
    const sel = await Deno.readTextFile(`${out}/logs/selection_only_log.csv`);
    assert.ok(crop.split("\n")[1]!.includes(",crop/"));
    assert.ok(!crop.includes("PROJECT_ROOT") && !sel.includes("PROJECT_ROOT"));
    assert.ok(sel.split("\n")[1]!.includes(`${ORIGINAL_HOME}/sim`));
    const map = JSON.parse(await Deno.readTextFile(`${out}/project_map.json`));
    for (const rule of map.rules) {
      assert.deepEqual(Object.keys(rule).sort(), ["project", "session_from", "session_to"]);
    }
    // Every crop row's project is told by its session date alone.
    const s = await ingestLogs(`${out}/logs`, {
      projectsDir: `${out}/projects`,
      projectMap: `${out}/project_map.json`,
      outDir: null,
    });
    assert.equal(s.crops.labels, 12);
    assert.equal(s.selection.sets, 12);
    assert.deepEqual(s.crops.by_project, { sim1: 6, sim2: 6 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
