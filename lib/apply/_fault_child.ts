/**
 * Child process of the fault-injection trials: plans and executes the
 * sandbox's approved decisions and SIGKILLs itself at crash point number
 * `<kill-at>` (0 = never; prints the number of points seen).
 *
 * Usage: `deno run -A lib/apply/_fault_child.ts <sandbox> <run-id> <kill-at> [rollback]`
 * (with `rollback`: roll the run back instead, killed the same way).
 *
 * @module
 */
import { executePlan } from "./execute_plan.ts";
import { planApply } from "./plan_apply.ts";
import { rollback } from "./rollback.ts";

const [root, runId, killAtText, what] = Deno.args;
if (root === undefined || runId === undefined) {
  throw new TypeError("Cannot run: usage <sandbox> <run-id> <kill-at>");
}
const killAt = Number(killAtText ?? "0");
let seen = 0;
const hook = (_point: string) => {
  seen++;
  if (seen === killAt) Deno.kill(Deno.pid, "SIGKILL");
};
if (what === "rollback") {
  await rollback(root, runId, { hook });
} else {
  const plan = await planApply(root, { runId });
  hook("planned");
  await executePlan(plan, { hook });
}
console.log(JSON.stringify({ points: seen }));
