/**
 * `deno task sandbox --from <project dir> [--groups <n>|all] [--order sampled|in-order]
 * [--to <folder inside the sandbox>] [--seed s] [--missing-companions warn|refuse] [--json]`:
 * prepare a batch: copy whole groups (stage images and every companion) into
 * the sandbox, each copy verified by content hash.
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
    groups: {
      type: "string",
      arg: "<n|all>",
      description: "how many groups (all: the whole folder)",
      default: "10",
    },
    order: {
      type: "string",
      arg: "<sampled|in-order>",
      description: "a seeded sample, or the first groups by time",
      default: "sampled",
    },
    to: {
      type: "string",
      arg: "<dir>",
      description: "any folder inside the sandbox root",
      defaultText: "<sandbox>/<name of --from>",
    },
    sandbox: SHARED_FLAGS.sandbox,
    seed: { type: "string", arg: "<n>", description: "sampling seed", default: "1" },
    "missing-companions": {
      type: "string",
      arg: "<warn|refuse>",
      description:
        "a group where an image lacks a companion its siblings have: copy and list it, " +
        "or leave it out (apply's words)",
      default: "warn",
    },
    "allow-incomplete": {
      type: "boolean",
      description: "old name of --missing-companions warn",
    },
    json: SHARED_FLAGS.json,
  },
  examples: [
    "deno task sandbox --from ~/art/projects/mojo2 --groups 20",
    "deno task sandbox --from ~/art/projects/mojo2 --groups all --to sandbox/mojo2",
  ],
});

await runTask(async () => {
  const { values } = parseFlags(SPEC);
  if (values.from === undefined) {
    throw new TypeError("Cannot prepare sandbox: --from <project dir> is required");
  }
  const groups = values.groups === "all" ? "all" : Number(values.groups);
  const seed = Number(values.seed);
  if (groups !== "all" && (!Number.isInteger(groups) || groups < 1)) {
    throw new RangeError(
      `Cannot prepare sandbox: --groups "${values.groups}" is not a positive integer or "all"`,
    );
  }
  const order = values.order;
  if (order !== "sampled" && order !== "in-order") {
    throw new RangeError(`Cannot prepare sandbox: --order "${order}" (use sampled or in-order)`);
  }
  const policy = values["allow-incomplete"] ? "warn" : values["missing-companions"];
  if (policy !== "warn" && policy !== "refuse") {
    throw new RangeError(
      `Cannot prepare sandbox: --missing-companions "${policy}" (use warn or refuse)`,
    );
  }
  const name = values.from.replace(/\/+$/, "").split("/").pop() ?? "trial";
  const r = await prepareSandbox(values.from, values.to ?? `${values.sandbox}/${name}`, {
    sandboxRoot: values.sandbox,
    groups,
    order,
    seed: Number.isFinite(seed) ? seed : 1,
    missingCompanions: policy,
  });
  const asked = groups === "all" ? r.groups_available : groups;
  if (values.json) console.log(JSON.stringify(r));
  else {
    console.log(
      `sandbox ${r.to}: ${r.groups_copied}/${groups === "all" ? "all" : groups} groups copied ` +
        `(${order}) from ${r.from} (${r.groups_available} in the folder), ${r.files_copied} files ` +
        `(${
          (r.bytes / 1e6).toFixed(1)
        } MB) verified by SHA-256, ${r.files_present} already present`,
    );
    for (const f of r.incomplete.slice(0, 10)) {
      console.log(`  copied incomplete ${f.group[0]}: ${f.reason}`);
    }
    if (r.incomplete.length > 10) console.log(`  … ${r.incomplete.length - 10} more incomplete`);
    for (const f of r.refused.slice(0, 10)) console.log(`  refused ${f.group[0]}: ${f.reason}`);
    if (r.refused.length > 10) console.log(`  … ${r.refused.length - 10} more refused`);
  }
  if (asked > r.groups_available) {
    console.error(
      `sandbox: asked for ${asked} groups, the folder has ${r.groups_available}: copied them all`,
    );
  }
  if (r.refused.length > 0) {
    console.error(
      `sandbox: ${r.refused.length} group(s) left out for missing companions ` +
        `(--missing-companions warn copies and lists them)`,
    );
  }
  if (r.groups_copied === 0) {
    console.error(`sandbox: 0 of ${r.groups_available} groups copied from ${r.from}`);
    return 1;
  }
  return 0;
});
