import assert from "node:assert/strict";
import { join } from "node:path";
import type { ImageRef, SelectionSet } from "../types.ts";
import { analyzeAnomalies, analyzeStore } from "./mod.ts";

function ref(stage: number): ImageRef {
  return { project: "p", filename: `x_${stage}.png`, path: `p/x_${stage}.png`, dir: "p", stage };
}

function set(project: string, kind: SelectionSet["kind"], chosen: number, rejected: number[]) {
  return {
    kind,
    source: { file: "f.csv", line: 2 },
    session_id: "s",
    set_id: `${project}-${chosen}-${rejected.join("")}`,
    project,
    chosen: ref(chosen),
    rejected: rejected.map(ref),
    timestamp: "t",
    mixed_directories: false,
  } satisfies SelectionSet;
}

Deno.test("analyzeStore() counts the store's selection sets as analyzeAnomalies() does, kinds filtered", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-analyze-store-" });
  try {
    const sets = [
      set("a", "selection_log", 1, [2]), // anomaly: a lower stage kept
      set("a", "selection_log", 2, [1]),
      set("b", "extraction", 1, [1.5]),
    ];
    await Deno.writeTextFile(
      join(dir, "selections.jsonl"),
      sets.map((s) => JSON.stringify(s)).join("\n") + "\n",
    );
    await Deno.writeTextFile(join(dir, "crops.jsonl"), "");
    await Deno.writeTextFile(join(dir, "kept.jsonl"), "");
    const all = await analyzeStore(dir);
    assert.deepEqual(all, analyzeAnomalies(sets));
    assert.equal(all.total.sets, 3);
    assert.equal(all.total.anomalies, 2);
    const logged = await analyzeStore(dir, { kinds: ["selection_log"] });
    assert.deepEqual(Object.keys(logged.projects), ["a"]);
    assert.equal(logged.total.anomalies, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("analyzeStore() on a folder with no store names the missing file", async () => {
  await assert.rejects(
    () => analyzeStore("/nonexistent/keeper-store"),
    (e: unknown) => e instanceof TypeError && /selections\.jsonl" is missing/.test(e.message),
  );
});
