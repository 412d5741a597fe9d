/**
 * Bundle the Preact client into `reviewer/static/app.js` with `deno bundle`
 * (no CDN). The first line records a hash of the client sources so a test can
 * tell when the committed bundle is stale.
 *
 * Run: `deno run -A reviewer/build.ts`
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { clientSourceHash } from "./assets.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const out = `${here}static/app.js`;
const tmp = `${out}.tmp`;
const res = await new Deno.Command(Deno.execPath(), {
  args: ["bundle", "--platform", "browser", "--minify", `${here}client/main.tsx`, "-o", tmp],
  env: { NO_COLOR: "1" },
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!res.success) Deno.exit(1);
const body = await Deno.readTextFile(tmp);
await Deno.writeTextFile(tmp, `// keeper-client-sources: ${await clientSourceHash()}\n${body}`);
await Deno.rename(tmp, out);
console.log(`wrote ${out}`);
