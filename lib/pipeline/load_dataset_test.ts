import assert from "node:assert/strict";
import { join } from "node:path";
import { simulate } from "../sim/mod.ts";
import { ingestLogs } from "../logs/mod.ts";
import { defaultFeatures, loadDataset } from "./load_dataset.ts";

Deno.test("loadDataset() finds the same labelled images by identity under a root as in the simulator's layout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper_load_dataset_" });
  try {
    const sim = join(dir, "sim");
    await simulate(sim, { seed: 3, scale: 0.125, projects: 2, groups: 6, heldout: 2 });
    const ingested = join(dir, "ingested");
    await ingestLogs(join(sim, "logs"), { projectsDir: join(sim, "projects"), outDir: ingested });
    const extra = join(dir, "not_an_image.png");
    const cache = join(dir, "features.sqlite");
    const phases: string[] = [];
    const bySim = await loadDataset(ingested, {
      cache,
      features: ["builtin", "layout"],
      imagesRoot: join(sim, "images"),
      extraPaths: [extra],
      clipByIdentity: false,
      visionCacheDir: join(dir, "vision"),
      onPhase: (p) => phases.push(p),
    });
    assert.deepEqual(phases, ["embed", "blocks"]);
    assert.equal(bySim.index, null);
    const sets = bySim.store.selections.length;
    assert.ok(sets > 0, "the simulation logged selection sets");
    assert.equal(bySim.dataset.groups.length, sets, JSON.stringify(bySim.dataset.skipped));
    assert.equal(bySim.embedFailed, 1, "the missing extra path is counted, not dropped silently");
    assert.equal(bySim.byPath.has(extra), false);
    for (const f of bySim.byPath.values()) {
      assert.ok(f.blocks?.["layout"], "every image has the layout block");
    }

    // The same store found by (project, file name) under the images root, features from the cache.
    const byIdentity = await loadDataset(ingested, {
      cache,
      images: [join(sim, "images")],
      visionCacheDir: join(dir, "vision"),
    });
    assert.deepEqual(byIdentity.features, defaultFeatures(false, false));
    assert.ok(byIdentity.index !== null && byIdentity.index.files > 0);
    assert.equal(byIdentity.dataset.groups.length, sets);
    const kinds = Object.entries(byIdentity.dataset.coverage?.kinds ?? {});
    assert.ok(kinds.length > 0, "coverage names the label kinds");
    for (const [kind, c] of kinds) assert.equal(c.missing, 0, `${kind}: ${c.missing} missing`);
    assert.equal(byIdentity.embedFailed, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
