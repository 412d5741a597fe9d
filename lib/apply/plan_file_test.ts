import assert from "node:assert/strict";
import { join } from "node:path";
import { readPlanFile, writePlanFile } from "./_plan_file.ts";
import type { ApplyPlan } from "./types.ts";

Deno.test("writePlanFile() sweeps a plan temp file a killed apply left, and writes the plan whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-plan-file-" });
  try {
    const plans = join(dir, "plans");
    await Deno.mkdir(plans);
    // A dead writer's temp file (pid long gone), and a live one's fresh temp file.
    const stale = join(plans, ".run_a.json.99999999.0a1b2c3d.tmp");
    const live = join(plans, `.run_b.json.${Deno.pid}.0a1b2c3e.tmp`);
    await Deno.writeTextFile(stale, '{"half":');
    await Deno.writeTextFile(live, '{"writing":');
    const plan = { run_id: "run_c", steps: [] } as unknown as ApplyPlan;
    const sha = await writePlanFile(join(plans, "run_c.json"), plan);
    const names = (await Array.fromAsync(Deno.readDir(plans))).map((e) => e.name).sort();
    assert.deepEqual(names, [".run_b.json." + Deno.pid + ".0a1b2c3e.tmp", "run_c.json"]);
    assert.equal(readPlanFile(join(plans, "run_c.json")).sha256, sha);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
