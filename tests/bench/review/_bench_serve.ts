/**
 * Child process of the `load_batch` benchmark: the server under test, kept
 * out of the load generator's process so the client's fetch overhead does
 * not count against it. Prints `{"url"}` once listening, then answers each
 * stdin line: `cpu` → `{"cpu_ms"}` (this process's user + system CPU so
 * far), `stop` → shuts down and exits.
 *
 * Usage:
 * `deno run <perms> lib/review/_bench_serve.ts reviewer <decisions.jsonl> <state.sqlite>`
 * `deno run <perms> lib/review/_bench_serve.ts bare <body.json>` (the floor:
 * a bare `Deno.serve` answering the same text)
 *
 * @module
 */
import process from "node:process";
import { serveReviewer } from "../../../reviewer/server.ts";

const [mode, a, b] = Deno.args;
let url: string;
let stop: () => Promise<void>;
if (mode === "reviewer") {
  const running = await serveReviewer(a!, { port: 0, statePath: b!, thumbDir: null });
  url = running.url;
  stop = running.shutdown;
} else if (mode === "bare") {
  const text = await Deno.readTextFile(a!);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(text, { headers: { "content-type": "application/json" } }),
  );
  url = `http://127.0.0.1:${server.addr.port}/`;
  stop = () => server.shutdown();
} else {
  throw new RangeError(`Cannot start bench server: mode "${mode}" is not reviewer or bare`);
}
const say = (o: unknown) => console.log(JSON.stringify(o));
say({ url });
const decoder = new TextDecoder();
let pending = "";
for await (const chunk of Deno.stdin.readable) {
  pending += decoder.decode(chunk, { stream: true });
  let nl;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, nl).trim();
    pending = pending.slice(nl + 1);
    if (line === "cpu") {
      const c = process.cpuUsage();
      say({ cpu_ms: (c.user + c.system) / 1000 });
    } else if (line === "stop") {
      await stop();
      Deno.exit(0);
    }
  }
}
await stop();
