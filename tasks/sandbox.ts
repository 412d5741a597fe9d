/**
 * `deno task sandbox --from <project dir> --groups <n> [--to sandbox/<name>] [--seed s]
 * [--allow-incomplete] [--json]`: copy whole groups (stage images and every
 * companion) into the sandbox, each copy verified by content hash.
 *
 * @module
 */
import { defineTask, parseFlags, runTask, SHARED_FLAGS } from "../lib/cli/mod.ts";
import { prepareSandbox } from "../lib/extract/mod.ts";

const SPEC = defineTask({
  task: "sandbox",
  summary: "Copy whole groups (with companions) into the sandbox for trial runs",
  flags: {
    from: {
      type: "string",
      arg: "<project dir>",
      description: "the project folder to copy from",
      required: true,
    },
    groups: { type: "string", arg: "<n>", description: "how many groups", default: "10" },
    to: {
      type: "string",
      arg: "<dir>",
      description: "destination inside the sandbox",
      defaultText: "<sandbox>/<name of --from>",
    },
    sandbox: SHARED_FLAGS.sandbox,
    seed: { type: "string", arg: "<n>", description: "sampling seed", default: "1" },
    "allow-incomplete": {
      type: "boolean",
      description: "also copy groups with a missing companion",
    },
    json: SHARED_FLAGS.json,
  },
  examples: ["deno task sandbox --from ~/art/projects/mojo2 --groups 20"],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.from === undefined) {
    throw new TypeError("Cannot prepare sandbox: --from <project dir> is required");
  }
  const groups = Number(values.groups), seed = Number(values.seed);
  if (!Number.isInteger(groups) || groups < 1) {
    throw new RangeError(
      `Cannot prepare sandbox: --groups "${values.groups}" is not a positive integer`,
    );
  }
  const name = values.from.replace(/\/+$/, "").split("/").pop() ?? "trial";
  const r = await prepareSandbox(values.from, values.to ?? `${values.sandbox}/${name}`, {
    sandboxRoot: values.sandbox,
    groups,
    seed: Number.isFinite(seed) ? seed : 1,
    allowIncomplete: values["allow-incomplete"],
  });
  if (values.json) console.log(JSON.stringify(r));
  else {
    console.log(
      `sandbox ${r.to}: ${r.groups_copied}/${groups} groups copied from ${r.from} (${r.groups_available} available), ${r.files_copied} files (${
        (r.bytes / 1e6).toFixed(1)
      } MB) verified by SHA-256, ${r.files_present} already present`,
    );
    for (const f of r.refused.slice(0, 10)) console.log(`  refused ${f.group[0]}: ${f.reason}`);
    if (r.refused.length > 10) console.log(`  … ${r.refused.length - 10} more refused`);
  }
  return r.groups_copied < groups ? 1 : 0;
});
