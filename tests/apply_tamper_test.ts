/**
 * Tamper trials (issue 16): every kind once or more — folders swapped for
 * links before, during and after a run, same-size byte changes, planted and
 * rewritten plans and journals, a copied sandbox, run ids that are paths.
 * Nothing outside the sandbox may change and the sandbox must come back
 * byte-identical. The 112-trial run is the `apply_tamper` benchmark.
 */
import assert from "node:assert/strict";
import { runTamperTrials, TAMPER_KINDS } from "./fixtures/run_tamper_trials.ts";

Deno.test("tampering between plan and moves writes nothing outside the sandbox and loses nothing (every kind, 2 seeds)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-apply-tamper-" });
  try {
    for (const seed of [16, 17]) {
      const r = await runTamperTrials(dir, { trials: TAMPER_KINDS.length, groups: 5, seed });
      // Every kind was tried once (the checks below are not vacuous).
      assert.deepEqual(r.details.map((d) => d.kind).sort(), [...TAMPER_KINDS].sort());
      const bad = r.details.filter((d) => d.outsideWrites.length + d.losses.length > 0)
        .map((d) => `${d.kind}: ${[...d.outsideWrites, ...d.losses].slice(0, 3).join("; ")}`);
      assert.deepEqual(bad, []);
      assert.equal(r.outside_writes, 0);
      assert.equal(r.losses, 0);
      // keeper noticed every tamper (none went through unrefused).
      assert.deepEqual(r.details.filter((d) => !d.refused).map((d) => d.kind), []);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
