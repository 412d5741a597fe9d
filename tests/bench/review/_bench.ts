/**
 * Reviewer benchmarks.
 *
 * - `review_next`: milliseconds from a key press (`A`, approve) to the next
 *   group painted with all its images loaded, measured inside headless
 *   Chromium (keydown → requestAnimationFrame after the new group's images
 *   are complete). Target p95 ≤ 100 ms. `frame_floor_p95_ms`: an unbound key
 *   to two frames later, the browser's own floor on this machine.
 * - `load_batch`: latency of `GET /api/automation/load_batch?size=50` over
 *   real HTTP on 127.0.0.1 with 50 requests in flight at once. The server runs
 *   in a child process (`_bench_serve.ts`), so the load generator's fetch
 *   overhead does not run on the server's thread; its CPU per request is
 *   reported beside the latency, and so is a bare `Deno.serve` child
 *   answering the same bytes (the floor, measured in the same run).
 *   Target p99 ≤ 20 ms.
 *
 * @module
 */
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { writeReviewFixture } from "../../fixtures/write_review_fixture.ts";
import { ReviewStore } from "../../../lib/review/mod.ts";
import { BenchServer, type LoadFigures, loadRun } from "./_bench_load.ts";

function hasChromium(): boolean {
  // Not via tests/browser/_chromium.ts: importing playwright-core needs -A.
  try {
    return Deno.statSync("/usr/bin/chromium").isFile;
  } catch {
    return false;
  }
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

const r2 = (v: number): number => Math.round(v * 100) / 100;

/** Benchmarks of the reviewer. */
export const benchmarks: Benchmark[] = [
  {
    name: "review_next",
    description: "key press → next group visible (headless Chromium), p95 ms",
    async run(ctx) {
      if (!hasChromium()) return { p95_ms: null, note: "no /usr/bin/chromium" };
      // playwright-core reads /proc paths that Deno only allows under -A, so the
      // browser half runs in a child process (the bench task may run `deno` by name).
      const script = new URL("./_bench_next.ts", import.meta.url).pathname;
      // By name: `deno task bench` may run only `deno` and `cp`, by name (deno.json).
      const out = await new Deno.Command("deno", {
        args: ["run", "-A", script, ctx.tmpDir, String(ctx.quick ? 15 : 47)],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim();
      if (!out.success) throw new Error(`Cannot benchmark review_next: child failed (${text})`);
      const { lat, floor, committed, loaded, cpu, thumb_widths } = JSON.parse(
        text.split("\n").pop()!,
      ) as {
        lat: number[];
        thumb_widths: number[];
        floor: number[];
        committed: number[];
        loaded: number[];
        cpu: {
          thread_ms: number;
          script_ms: number;
          style_ms: number;
          layout_ms: number;
          floor_thread_ms: number;
        };
      };
      ctx.log(`${lat.length} presses, max ${r2(Math.max(...lat))} ms`);
      return {
        p95_ms: r2(quantile(lat, 0.95)),
        p50_ms: r2(quantile(lat, 0.5)),
        presses: lat.length,
        // 1200 × 1600 files: thumbnails made by the server at these widths (painted × dpr).
        image_px: "1200x1600",
        thumb_widths: thumb_widths.join(","),
        frame_floor_p95_ms: r2(quantile(floor, 0.95)),
        // Where the time goes: key → new group in the DOM (handler + Preact render),
        // → its images complete, → painted (the figure).
        committed_p95_ms: r2(quantile(committed, 0.95)),
        images_complete_p95_ms: r2(quantile(loaded, 0.95)),
        // The page's main-thread CPU per press (DevTools metrics), and its script,
        // style and layout parts: what the press costs on an idle machine.
        main_thread_cpu_ms_per_press: cpu.thread_ms,
        script_ms_per_press: cpu.script_ms,
        style_ms_per_press: cpu.style_ms,
        layout_ms_per_press: cpu.layout_ms,
        floor_main_thread_cpu_ms_per_press: cpu.floor_thread_ms,
      };
    },
  },
  {
    name: "load_batch",
    description: "GET load_batch?size=50 with 50 concurrent requests over HTTP, p99 ms",
    async run(ctx) {
      const groups = ctx.quick ? 100 : 500;
      const rounds = ctx.quick ? 5 : 40;
      const fx = await writeReviewFixture(ctx.tmpDir, { groups, width: 16, height: 16 });
      // A session in progress: a fifth of the groups already reviewed.
      const statePath = `${ctx.tmpDir}/review_state.sqlite`;
      const store = ReviewStore.open(statePath);
      store.record(
        fx.decisions.slice(0, groups / 5).map((d) => ({
          group_id: d.group_id,
          action: "approve" as const,
          final_choice: d.step1_selection.chosen_index,
          crop_coords: d.step2_crop.box,
          manual_crop: false,
          seconds_spent: 3,
          timestamp: new Date().toISOString(),
        })),
        { requestId: "bench-seed" },
      );
      store.close();
      const server = await BenchServer.start(["reviewer", fx.decisionsPath, statePath]);
      let reviewer: LoadFigures, body: string;
      try {
        const url = `${server.url}api/automation/load_batch?size=50`;
        body = await (await fetch(url)).text();
        reviewer = await loadRun(url, server, { rounds, concurrency: 50 });
      } finally {
        await server.stop();
      }
      ctx.log(`${reviewer.lat.length} requests over ${groups} groups (server in a child process)`);
      // The machine's floor: a bare Deno.serve (also a child) answering the same bytes.
      const bodyPath = `${ctx.tmpDir}/body.json`;
      await Deno.writeTextFile(bodyPath, body);
      const bare = await BenchServer.start(["bare", bodyPath]);
      let floor: LoadFigures;
      try {
        floor = await loadRun(bare.url, bare, { rounds, concurrency: 50 });
      } finally {
        await bare.stop();
      }
      const perRequest = reviewer.serverCpuMs / reviewer.lat.length;
      const floorPerRequest = floor.serverCpuMs / floor.lat.length;
      ctx.log(
        `server CPU per request ${r2(perRequest * 1000)} µs (bare floor ${
          r2(floorPerRequest * 1000)
        } µs); client CPU ${r2(reviewer.clientCpuMs)} ms`,
      );
      return {
        p99_ms: r2(quantile(reviewer.lat, 0.99)),
        p50_ms: r2(quantile(reviewer.lat, 0.5)),
        requests: reviewer.lat.length,
        response_bytes: reviewer.bytes,
        // Server process CPU per request: 50 in flight on one JS thread wait ≈ 50 × this.
        server_cpu_ms_per_request: Number(perRequest.toFixed(4)),
        floor_p99_ms: r2(quantile(floor.lat, 0.99)),
        floor_server_cpu_ms_per_request: Number(floorPerRequest.toFixed(4)),
        // The load generator's own CPU over the same requests (another process).
        client_cpu_ms_per_request: Number((reviewer.clientCpuMs / reviewer.lat.length).toFixed(4)),
      };
    },
  },
];
