/**
 * `deno task review [--port 8080] [--decisions sandbox/automation_decisions.jsonl]
 * [--sandbox <root>]`: serve the review page on 127.0.0.1 and print its URL.
 * Ctrl-C stops it cleanly (open requests finish, the review store closes).
 *
 * @module
 */
import { join } from "node:path";
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { serveReviewer } from "../reviewer/server.ts";

const SPEC = defineTask({
  task: "review",
  summary: "Serve the local review page on 127.0.0.1",
  flags: {
    port: { type: "string", arg: "<n>", description: "port (0 picks a free one)", default: "8080" },
    decisions: {
      type: "string",
      arg: "<jsonl>",
      description: "the decisions to review",
      default: (w) => join(w.sandbox, "automation_decisions.jsonl"),
    },
    sandbox: SHARED_FLAGS.sandbox,
  },
  examples: ["deno task review --sandbox sandbox/demo"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot start reviewer: --port "${values.port}" is not 0-65535`);
  }
  const decisions = values.decisions;
  const running = await serveReviewer(decisions, {
    port,
    sandboxRoot: values.sandbox,
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
