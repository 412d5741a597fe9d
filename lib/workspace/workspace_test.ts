import assert from "node:assert/strict";
import { join } from "node:path";
import { loadWorkspaceSync, parseWorkspace, runSetup } from "./mod.ts";
import { resolveWorkspace, workspaceFile } from "./workspace.ts";
import { setupWorkspace } from "./setup_workspace.ts";
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

async function rejectsLike(
  fn: () => Promise<unknown>,
  cls: new (...a: never[]) => Error,
  text = "",
): Promise<void> {
  await assert.rejects(fn, (e: unknown) => e instanceof cls && e.message.includes(text));
}

Deno.test("workspaceFile() honours $KEEPER_WORKSPACE, else the current folder's file", () => {
  assert.deepEqual(
    workspaceFile({ env: () => undefined, cwd: "/repo" }),
    "/repo/keeper.workspace.json",
  );
  assert.deepEqual(workspaceFile({ env: () => "/x/ws.json", cwd: "/repo" }), "/x/ws.json");
});

Deno.test("parseWorkspace() resolves relative paths against the file and names bad fields", () => {
  const w = parseWorkspace({ version: 1, logs: "logs", images: ["a", "/b"] }, "/w/k.json");
  assert.deepEqual(w.workspace.logs, "/w/logs");
  assert.deepEqual(w.workspace.images, ["/w/a", "/b"]);
  assert.deepEqual(w.workspace.sandbox, "sandbox");
  assert.deepEqual(w.set, ["logs", "images"]);
  throwsLike(
    () => parseWorkspace({ modles: "m" }, "/w/k.json"),
    TypeError,
    'unknown field "modles"',
  );
  throwsLike(() => parseWorkspace({ images: [3] }, "/w/k.json"), TypeError, '"images"');
  throwsLike(() => parseWorkspace({ cache: 1 }, "/w/k.json"), TypeError, '"cache"');
  throwsLike(() => parseWorkspace([], "/w/k.json"), TypeError);
});

Deno.test("setupWorkspace() writes, updates only what is given, and round-trips", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "logs"));
    await Deno.mkdir(join(dir, "img1"));
    await Deno.mkdir(join(dir, "img2"));
    const file = join(dir, "keeper.workspace.json");
    const a = await setupWorkspace({
      file,
      set: { logs: join(dir, "logs"), images: [join(dir, "img1")], models: join(dir, "m") },
    });
    assert.deepEqual(a.updated, false);
    const text = JSON.parse(await Deno.readTextFile(file));
    assert.deepEqual(text.logs, "logs"); // stored relative to the file's folder
    const b = await setupWorkspace({
      file,
      set: { images: [join(dir, "img1"), join(dir, "img2")] },
    });
    assert.deepEqual(b.updated, true);
    const loaded = loadWorkspaceSync(file)!;
    assert.deepEqual(loaded.workspace.logs, join(dir, "logs"));
    assert.deepEqual(loaded.workspace.models, join(dir, "m"));
    assert.deepEqual(loaded.workspace.images, [join(dir, "img1"), join(dir, "img2")]);
    assert.deepEqual(resolveWorkspace(file).images.length, 2);
    await rejectsLike(
      () => setupWorkspace({ file, set: { logs: join(dir, "nope") } }),
      RangeError,
      "logs",
    );
    assert.deepEqual(loadWorkspaceSync(join(dir, "absent.json")), null);
    await Deno.writeTextFile(file, "{");
    throwsLike(() => loadWorkspaceSync(file), SyntaxError, file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("setupWorkspace() sweeps a killed writer's temp file and leaves none of its own", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "logs"));
    const file = join(dir, "keeper.workspace.json");
    // What a kill -9 between the temp write and the rename leaves (pid 999999999 is not running).
    const dead = join(dir, ".keeper.workspace.json.999999999.0a1b2c3d.tmp");
    await Deno.writeTextFile(dead, "{");
    await setupWorkspace({ file, set: { logs: join(dir, "logs") } });
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["keeper.workspace.json", "logs"]);
    assert.equal(JSON.parse(await Deno.readTextFile(file)).logs, "logs");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSetup() shows the workspace without writing when nothing is set, else writes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-run-setup-" });
  try {
    const file = join(dir, "keeper.workspace.json");
    const shown = await runSetup({ file });
    assert.equal(shown.changed, false);
    assert.equal(shown.file, file);
    assert.deepEqual(shown.workspace, resolveWorkspace(file));
    assert.ok(shown.checks.some((c) => c.key === "sandbox"), JSON.stringify(shown.checks));
    assert.throws(() => Deno.statSync(file), Deno.errors.NotFound);
    await Deno.mkdir(join(dir, "logs"));
    const wrote = await runSetup({ file, set: { logs: join(dir, "logs") } });
    assert.ok(wrote.changed);
    assert.equal(wrote.changed && wrote.updated, false);
    assert.equal(resolveWorkspace(file).logs, join(dir, "logs"));
    const again = await runSetup({ file });
    assert.equal(again.changed, false);
    assert.equal(again.workspace.logs, join(dir, "logs"));
    const reset = await runSetup({ file, reset: true });
    // A reset starts from the defaults: the file is written afresh, not updated.
    assert.ok(reset.changed && !reset.updated);
    assert.equal(resolveWorkspace(file).logs, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
