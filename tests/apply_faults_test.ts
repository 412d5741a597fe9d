/**
 * Fault injection (issue 6): `apply --commit --yes` (and the executor at exact
 * crash points) SIGKILLed in a subprocess, then `recover`; the tree is
 * checked by content hash against the plan or the original, then rolled back.
 * The 100-trial run is the `apply_faults` benchmark.
 */
import assert from "node:assert/strict";
import { runFaultTrials } from "./fixtures/run_fault_trials.ts";

Deno.test("apply killed with SIGKILL at random points loses nothing after recover and rollback (10 trials, 50 groups)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-apply-faults-" });
  try {
    const r = await runFaultTrials(dir, {
      trials: 10,
      groups: 50,
      members: 2,
      companions: [".yaml"],
      seed: 42,
      concurrency: 2,
    });
    assert.equal(r.details.length, 10);
    const losses = r.details.filter((d) => d.problems.length > 0)
      .map((d) => `trial ${d.trial} (${d.kill}@${d.at}): ${d.problems.slice(0, 3).join("; ")}`);
    assert.deepEqual(losses, []);
    assert.equal(r.losses, 0);
    // Kills really landed mid-run, and both recovery directions were exercised.
    assert.ok(r.details.filter((d) => d.interrupted).length >= 5);
    assert.ok(r.details.some((d) => d.outcome === "committed"));
    assert.ok(r.details.some((d) => d.outcome === "rolled_back"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
