import assert from "node:assert/strict";
import { buildProjectIndex, parseProjectManifest, ProjectResolver } from "../paths/mod.ts";
import { parseAnomalyExport } from "./parse_anomaly_export.ts";

const HEADER =
  "session_id,set_id,project,chosen_stage,max_rejected_stage,chosen_path,rejected_paths,timestamp";

Deno.test("parseAnomalyExport() reads Python-repr lists and resolves the project column by alias", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/anomaly_cases.csv`;
    await Deno.writeTextFile(
      file,
      [
        HEADER,
        "Aiko_raw_extraction,group_1,Aiko_raw,1,2,PROJECT_ROOT/training data/Aiko_raw/a_stage1_generated.png," +
        `"['PROJECT_ROOT/training data/Aiko_raw/a_stage2_upscaled.png', 'PROJECT_ROOT/training data/Aiko_raw/a_stage1.5_face_swapped.png']",` +
        "2025-10-05T03:25:40Z",
        "s,group_2,elsewhere,1,2,x/b_stage1_generated.png,['x/b_stage2_upscaled.png'],2025-10-05T03:25:40Z",
        "s,group_3,aiko_raw,1,3,x/c_stage1_generated.png,['x/c_stage2_upscaled.png',2025-10-05T03:25:40Z",
      ].join("\n"),
    );
    const resolver = new ProjectResolver({
      index: buildProjectIndex([parseProjectManifest({ projectId: "aiko_raw" })]),
    });
    const { sets, rejections, counts } = await parseAnomalyExport(file, { resolver });
    assert.equal(sets.length, 2);
    assert.equal(sets[0]!.project, "aiko_raw");
    assert.equal(sets[0]!.rejected.length, 2);
    // The declared column is used when the path names no known project.
    assert.equal(sets[1]!.project, "elsewhere");
    assert.deepEqual(rejections.map((r) => r.reason), ["bad_path_list"]);
    assert.equal(counts["stage_column_mismatch"] ?? 0, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
