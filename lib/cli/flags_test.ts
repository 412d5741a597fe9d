import assert from "node:assert/strict";
import { defineTask, formatHelp, HelpShown, parseFlags, suggestFlag } from "./flags.ts";
import { parseWorkspace } from "../workspace/mod.ts";

const SPEC = defineTask({
  task: "demo-task",
  summary: "A task for tests",
  flags: {
    models: {
      type: "string",
      arg: "<dir>",
      description: "model folder",
      default: (w) => w.models,
      aliases: ["out"],
    },
    cache: { type: "string", arg: "<db>", description: "feature cache", aliases: ["embeddings"] },
    images: {
      type: "string",
      multiple: true,
      description: "image roots",
      default: (w) => w.images,
    },
    seed: { type: "string", description: "seed", default: "1" },
    only: { type: "string", multiple: true, description: "repeatable, no default" },
    input: { type: "string", arg: "<dir>", description: "input", required: true },
    sandbox: { type: "string", description: "sandbox", default: (w) => w.sandbox },
    approved: {
      type: "string",
      description: "approved",
      default: (w) => `${w.sandbox}/approved.jsonl`,
    },
    json: { type: "boolean", description: "JSON" },
  },
  examples: ["deno task demo-task --models m"],
});
function throwsLike(fn: () => unknown, cls: new (...a: never[]) => Error, text = ""): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  assert.ok(caught.message.includes(text), caught.message);
  return caught;
}

Deno.test("parseFlags() maps aliases to the canonical name and keeps defaults typed", () => {
  const { values, given } = parseFlags(SPEC, {
    args: ["--out", "m1", "--embeddings=c.db", "--images", "a", "--images", "b", "--json"],
    workspace: null,
  });
  assert.deepEqual(values.models, "m1");
  assert.deepEqual(values.cache, "c.db");
  assert.deepEqual(values.images, ["a", "b"]);
  assert.deepEqual(values.seed, "1");
  assert.deepEqual(values.only, []);
  assert.deepEqual(values.json, true);
  assert.deepEqual(values.verbose, false);
  assert.deepEqual([...given].sort(), ["cache", "images", "json", "models"]);
});

Deno.test("parseFlags() takes defaults from the workspace, flags override them", () => {
  const ws = parseWorkspace(
    { models: "my/models", images: ["r1", "r2"] },
    "/w/keeper.workspace.json",
  );
  const a = parseFlags(SPEC, { args: [], workspace: ws });
  assert.deepEqual(a.values.models, "/w/my/models");
  assert.deepEqual(a.values.images, ["/w/r1", "/w/r2"]);
  const b = parseFlags(SPEC, { args: ["--models", "x"], workspace: ws });
  assert.deepEqual(b.values.models, "x");
  const none = parseFlags(SPEC, { args: [], workspace: null });
  assert.deepEqual(none.values.models, "data/ai_data/models");
  assert.deepEqual(none.values.images, []);
  assert.deepEqual(none.values.cache, undefined);
});

Deno.test("parseFlags() rejects an unknown flag with a suggestion", () => {
  const e = throwsLike(
    () => parseFlags(SPEC, { args: ["--model", "m"], workspace: null }),
    TypeError,
  );
  assert.ok(e.message.includes("unknown flag --model (did you mean --models?)"), e.message);
  const far = throwsLike(() => parseFlags(SPEC, { args: ["--zzz"], workspace: null }), TypeError);
  assert.ok(!far.message.includes("did you mean"), far.message);
  throwsLike(
    () => parseFlags(SPEC, { args: ["stray"], workspace: null }),
    TypeError,
    "unexpected",
  );
  throwsLike(
    () => parseFlags(SPEC, { args: ["--models"], workspace: null }),
    TypeError,
    "needs a value",
  );
  throwsLike(() => parseFlags(SPEC, { args: ["--json=maybe"], workspace: null }), TypeError);
});

Deno.test("parseFlags() prints help with every flag and its default, then throws HelpShown", () => {
  let text = "";
  throwsLike(
    () => parseFlags(SPEC, { args: ["--help"], workspace: null, write: (t) => (text = t) }),
    HelpShown,
  );
  for (
    const f of [
      "--models <dir>",
      "--cache <db>",
      "--images",
      "--seed",
      "--json",
      "--verbose",
      "--help",
    ]
  ) {
    assert.ok(text.includes(f), `help lacks ${f}:\n${text}`);
  }
  assert.ok(text.includes("(also --out)"));
  assert.ok(text.includes("[default: data/ai_data/models]"));
  assert.ok(text.includes("[default: 1]"));
  assert.ok(text.includes("input [required]"), text);
  assert.ok(text.includes("usage: deno task demo-task [flags]"));
  assert.ok(text.includes("deno task demo-task --models m"));
  throwsLike(
    () => parseFlags(SPEC, { args: ["-h"], workspace: null, write: () => {} }),
    HelpShown,
  );
  const ws = parseWorkspace({ models: "/abs/models" }, "/w/keeper.workspace.json");
  assert.ok(formatHelp(SPEC, ws).includes("[default: /abs/models]"));
});

Deno.test("suggestFlag() finds near misses and prefixes, nothing for unrelated names", () => {
  const known = new Map([["models", "models"], ["embeddings", "cache"], ["cache", "cache"]]);
  assert.deepEqual(suggestFlag("modle", known), "models");
  assert.deepEqual(suggestFlag("embedding", known), "cache");
  assert.deepEqual(suggestFlag("cahce", known), "cache");
  assert.deepEqual(suggestFlag("port", known), undefined);
});
