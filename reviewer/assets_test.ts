import assert from "node:assert/strict";
import { clientSourceHash, loadAssets } from "./assets.ts";

Deno.test("the committed client bundle was built from the current client sources", async () => {
  const js = await loadAssets().js();
  const first = js.slice(0, js.indexOf("\n"));
  assert.equal(
    first,
    `// keeper-client-sources: ${await clientSourceHash()}`,
    "reviewer/static/app.js is stale: run `deno run -A reviewer/build.ts`",
  );
  assert.ok(!/https?:\/\/(cdn|unpkg|esm\.sh)/.test(js), "the bundle must not load from a CDN");
});
