/**
 * `deno task review [--port 8080] [--decisions sandbox/automation_decisions.jsonl]
 * [--sandbox <root>]`: serve the review page on 127.0.0.1 and print its URL.
 * Ctrl-C stops it cleanly (open requests finish, the review store closes).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { runTask } from "../lib/cli/mod.ts";
import { serveReviewer } from "../reviewer/server.ts";

await runTask(async () => {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      port: { type: "string", default: "8080" },
      decisions: { type: "string" },
      sandbox: { type: "string" },
      verbose: { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot start reviewer: --port "${values.port}" is not 0-65535`);
  }
  const decisions = values.decisions ??
    join(values.sandbox ?? "sandbox", "automation_decisions.jsonl");
  const running = await serveReviewer(decisions, {
    port,
    ...(values.sandbox !== undefined ? { sandboxRoot: values.sandbox } : {}),
  });
  console.log(`keeper review: ${running.groups} groups from ${decisions}`);
  for (const f of running.sweptTempFiles) {
    console.log(`removed the temp file of an interrupted submit: ${f}`);
  }
  console.log(`open ${running.url}  (Ctrl-C stops)`);
  const stop = () => {
    Deno.removeSignalListener("SIGINT", stop);
    console.log("\nstopping…");
    running.shutdown();
  };
  Deno.addSignalListener("SIGINT", stop);
  await running.finished;
  console.log("review state saved; bye");
});
