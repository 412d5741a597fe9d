/**
 * Load-generation helpers of the `load_batch` benchmark: the server under
 * test as a child process (`_bench_serve.ts`) with a line protocol for its
 * CPU time, and a lean HTTP/1.1 keep-alive client on raw sockets (Deno's
 * `fetch` costs ~1 ms of CPU per 51 KB response, more than the server, and
 * on a 2-core machine that cost lands in the latency being measured).
 *
 * @module
 */
import process from "node:process";

/** A server child process and its line protocol. */
export class BenchServer {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;

  private constructor(
    child: Deno.ChildProcess,
    writer: WritableStreamDefaultWriter<Uint8Array>,
    lines: AsyncIterator<string>,
    url: string,
  ) {
    this.#child = child;
    this.#writer = writer;
    this.#lines = lines;
    this.url = url;
  }

  /** Start `_bench_serve.ts` with `args` and wait until it listens. */
  static async start(args: string[]): Promise<BenchServer> {
    const script = new URL("./_bench_serve.ts", import.meta.url).pathname;
    // By name: `deno task bench` may run only `deno` and `cp`, by name (deno.json).
    const child = new Deno.Command("deno", {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        "--allow-net=127.0.0.1",
        script,
        ...args,
      ],
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines())[
      Symbol.asyncIterator
    ]();
    const first = await lines.next();
    if (first.done) throw new Error("Cannot benchmark load_batch: the server child exited");
    const { url } = JSON.parse(first.value) as { url: string };
    return new BenchServer(child, child.stdin.getWriter(), lines, url);
  }

  /** The child's CPU time so far (user + system, all threads, ms). */
  async cpuMs(): Promise<number> {
    await this.#writer.write(new TextEncoder().encode("cpu\n"));
    const line = await this.#lines.next();
    if (line.done) throw new Error("Cannot read the server child's CPU: it exited");
    return (JSON.parse(line.value) as { cpu_ms: number }).cpu_ms;
  }

  /** Stop the child and wait for it. */
  async stop(): Promise<void> {
    await this.#writer.write(new TextEncoder().encode("stop\n")).catch(() => undefined);
    await this.#writer.close().catch(() => undefined);
    await this.#child.status;
  }
}

function splitLines(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      pending += chunk;
      let nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        controller.enqueue(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    },
  });
}

/** One keep-alive HTTP/1.1 connection issuing GETs of one path. */
class Connection {
  readonly #conn: Deno.TcpConn;
  readonly #request: Uint8Array;
  #buf = new Uint8Array(256 * 1024);
  #have = 0;

  constructor(conn: Deno.TcpConn, host: string, path: string) {
    this.#conn = conn;
    this.#request = new TextEncoder().encode(
      `GET ${path} HTTP/1.1\r\nhost: ${host}\r\naccept: application/json\r\n\r\n`,
    );
  }

  async #fill(): Promise<void> {
    if (this.#have === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf);
      this.#buf = bigger;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#have));
    if (n === null) throw new Error("Cannot benchmark load_batch: the server closed a connection");
    this.#have += n;
  }

  /** Send one GET and read the whole response; returns its status and body length. */
  async get(): Promise<{ status: number; bytes: number }> {
    await this.#conn.write(this.#request);
    let end = -1;
    while ((end = headerEnd(this.#buf, this.#have)) < 0) await this.#fill();
    const head = new TextDecoder().decode(this.#buf.subarray(0, end));
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (m === null) throw new Error("Cannot benchmark load_batch: response without content-length");
    const total = end + 4 + Number(m[1]);
    while (this.#have < total) await this.#fill();
    this.#buf.copyWithin(0, total, this.#have);
    this.#have -= total;
    return { status, bytes: Number(m[1]) };
  }

  close(): void {
    this.#conn.close();
  }
}

function headerEnd(buf: Uint8Array, n: number): number {
  for (let i = 3; i < n; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) return i - 3;
  }
  return -1;
}

/** Latencies of one load run plus the CPU both sides spent on it. */
export interface LoadFigures {
  /** Per-request latency, ms (request written → whole response read). */
  lat: number[];
  /** The server child's CPU over the measured requests, ms. */
  serverCpuMs: number;
  /** This (client) process's CPU over the same requests, ms. */
  clientCpuMs: number;
  /** Body bytes of the last response. */
  bytes: number;
}

/**
 * `rounds` × `concurrency` GETs of `url`, each round all in flight at once
 * on `concurrency` keep-alive connections, after one warm-up round.
 */
export async function loadRun(
  url: string,
  server: BenchServer,
  options: { rounds: number; concurrency: number },
): Promise<LoadFigures> {
  const u = new URL(url);
  const conns = await Promise.all(
    Array.from({ length: options.concurrency }, async () =>
      new Connection(
        await Deno.connect({ hostname: u.hostname, port: Number(u.port) }),
        u.host,
        u.pathname + u.search,
      )),
  );
  let bytes = 0;
  const one = async (c: Connection): Promise<number> => {
    const t = performance.now();
    const r = await c.get();
    const ms = performance.now() - t;
    if (r.status !== 200) throw new Error(`Cannot benchmark load_batch: HTTP ${r.status}`);
    bytes = r.bytes;
    return ms;
  };
  try {
    for (let i = 0; i < 3; i++) await Promise.all(conns.map(one)); // warm-up
    const lat: number[] = [];
    const s0 = await server.cpuMs();
    const c0 = process.cpuUsage();
    for (let r = 0; r < options.rounds; r++) lat.push(...await Promise.all(conns.map(one)));
    const c = process.cpuUsage(c0);
    const serverCpuMs = (await server.cpuMs()) - s0;
    return { lat, serverCpuMs, clientCpuMs: (c.user + c.system) / 1000, bytes };
  } finally {
    for (const c of conns) c.close();
  }
}
