/**
 * `deno task setup [--logs <dir>] [--manifests <dir>] [--project-map <file>]
 * [--images <root> …] [--sandbox <dir>] [--cache <db>] [--models <dir>]
 * [--ingested <dir>] [--reset] [--json]`: record where the creator's material
 * lives in `keeper.workspace.json` (git-ignored), so `ingest`, `embed`,
 * `train`, `decide --in <folder>`, `review`, `apply` and `report` need no
 * paths afterwards. Without flags it shows the workspace in effect.
 *
 * @module
 */
import { defineTask, parseFlags, runTask } from "../lib/cli/mod.ts";
import { runSetup, type Workspace, type WorkspaceCheck } from "../lib/workspace/mod.ts";

const SPEC = defineTask({
  task: "setup",
  summary: "Record where your logs, manifests, images, sandbox, cache and models live " +
    "(keeper.workspace.json; $KEEPER_WORKSPACE names another file)",
  flags: {
    logs: {
      type: "string",
      arg: "<dir>",
      description: "folder of your log CSVs",
      default: (w) => w.logs ?? "",
    },
    manifests: {
      type: "string",
      arg: "<dir>",
      description: "folder of *.project.json manifests (project sessions, timesheets)",
      aliases: ["projects"],
      default: (w) => w.manifests ?? "",
    },
    "project-map": {
      type: "string",
      arg: "<file>",
      description: "project map JSON",
      default: (w) => w.project_map ?? "",
    },
    images: {
      type: "string",
      multiple: true,
      arg: "<root>",
      description: "a root holding your images (repeat for several; replaces the list)",
      default: (w) => w.images,
    },
    sandbox: {
      type: "string",
      arg: "<dir>",
      description: "sandbox root (decisions, reviews, plans)",
      default: (w) => w.sandbox,
    },
    cache: {
      type: "string",
      arg: "<db>",
      description: "feature cache file",
      default: (w) => w.cache,
    },
    models: {
      type: "string",
      arg: "<dir>",
      description: "trained model folder",
      default: (w) => w.models,
    },
    ingested: {
      type: "string",
      arg: "<dir>",
      description: "ingested store folder",
      default: (w) => w.ingested,
    },
    reset: { type: "boolean", description: "start from the defaults, not the existing file" },
    json: { type: "boolean", description: "print the workspace as one JSON object" },
  },
  examples: [
    "deno task setup --logs ~/keeper/logs --manifests ~/keeper/projects --images ~/art/projects",
  ],
});

function describe(file: string, checks: WorkspaceCheck[]): string[] {
  return [
    `workspace ${file}:`,
    ...checks.map((c) =>
      `  ${c.key.padEnd(12)}${
        c.state === "unset"
          ? "(not set)"
          : `${c.path}${c.state === "missing" ? "  (not there yet)" : ""}`
      }`
    ),
  ];
}

await runTask(async () => {
  const { values, given } = parseFlags(SPEC);
  const set: Partial<Workspace> = {};
  // Only what was given changes; "" clears an optional entry.
  const orNull = (v: string) => v === "" ? null : v;
  if (given.has("logs")) set.logs = orNull(values.logs);
  if (given.has("manifests")) set.manifests = orNull(values.manifests);
  if (given.has("project-map")) set.project_map = orNull(values["project-map"]);
  if (given.has("images")) set.images = values.images;
  if (given.has("sandbox")) set.sandbox = values.sandbox;
  if (given.has("cache")) set.cache = values.cache;
  if (given.has("models")) set.models = values.models;
  if (given.has("ingested")) set.ingested = values.ingested;
  const r = await runSetup({ set, reset: values.reset });
  if (values.json) console.log(JSON.stringify({ file: r.file, workspace: r.workspace }));
  else {
    for (const line of describe(r.file, r.checks)) console.log(line);
    console.log(
      r.changed
        ? `${r.updated ? "updated" : "wrote"} ${r.file}; next: deno task ingest`
        : "(nothing changed; pass --logs, --images, … to record paths)",
    );
  }
});
