/**
 * `deno task demo`: the pipeline on shipped demo data (extended as stages land).
 *
 * @module
 */
import { runTask } from "../lib/cli/mod.ts";

await runTask(() => {
  console.log("keeper demo: pipeline stages are being built; nothing to run yet.");
  return Promise.resolve(0);
});
