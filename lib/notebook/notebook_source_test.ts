import assert from "node:assert/strict";
import { join } from "node:path";
import { demoReady, notebookSource } from "./mod.ts";

Deno.test("notebookSource() defaults to the demo, then the workspace, then environment paths win", async () => {
  const repo = await Deno.makeTempDir({ prefix: "keeper-nbsrc-" });
  try {
    const none = (_: string) => undefined;
    const demo = notebookSource({ repoRoot: repo, env: none });
    assert.equal(demo.origin, "demo");
    assert.equal(demo.models, join(repo, "sandbox/demo/models"));
    assert.equal(demo.logs, join(repo, "sandbox/demo/real_ingested"));
    assert.equal(demo.groundTruth, join(repo, "sandbox/demo/sim/ground_truth.jsonl"));
    assert.equal(demoReady(demo), false);

    await Deno.writeTextFile(
      join(repo, "keeper.workspace.json"),
      JSON.stringify({ ingested: "my/ingested", models: "/abs/models", images: ["art"] }),
    );
    const ws = notebookSource({ repoRoot: repo, env: none });
    assert.equal(ws.origin, "workspace");
    assert.equal(ws.ingested, join(repo, "my/ingested"));
    assert.equal(ws.logs, ws.ingested);
    assert.equal(ws.models, "/abs/models");
    assert.deepEqual(ws.images, [join(repo, "art")]);
    assert.equal(ws.groundTruth, null);
    assert.match(ws.description, /your workspace/);

    const env = notebookSource({
      repoRoot: repo,
      env: (k) => (k === "KEEPER_MODELS" ? "/m" : undefined),
    });
    assert.equal(env.origin, "env");
    assert.equal(env.models, "/m");
    assert.equal(env.ingested, join(repo, "my/ingested"));
    assert.match(env.description, /KEEPER_MODELS/);

    // The test command shows the demo whatever workspace the machine has.
    const forced = notebookSource({
      repoRoot: repo,
      env: (k) => (k === "KEEPER_NOTEBOOKS" ? "demo" : k === "KEEPER_MODELS" ? "/m" : undefined),
    });
    assert.equal(forced.origin, "demo");
    assert.equal(forced.models, join(repo, "sandbox/demo/models"));

    const other = join(repo, "other.json");
    await Deno.writeTextFile(other, JSON.stringify({ models: "m2" }));
    const named = notebookSource({
      repoRoot: repo,
      env: (k) => (k === "KEEPER_WORKSPACE" ? other : undefined),
    });
    assert.equal(named.models, join(repo, "m2"));
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
