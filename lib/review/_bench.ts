/**
 * Reviewer benchmarks.
 *
 * - `review_next`: milliseconds from a key press (`A`, approve) to the next
 *   group painted with all its images loaded, measured inside headless
 *   Chromium (keydown → requestAnimationFrame after the new group's images
 *   are complete). Target p95 ≤ 100 ms. `frame_floor_p95_ms`: an unbound key
 *   to two frames later, the browser's own floor on this machine.
 * - `load_batch`: latency of `GET /api/automation/load_batch?size=50` over
 *   real HTTP on 127.0.0.1 with 50 requests in flight at once (client in the
 *   same process, so its overhead counts too). Target p99 ≤ 20 ms.
 *
 * @module
 */
import type { Benchmark } from "../bench/types.ts";
import { writeReviewFixture } from "./write_review_fixture.ts";
import { ReviewStore } from "./review_store.ts";
import { serveReviewer } from "../../reviewer/server.ts";

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
      // browser half runs in a child process (the bench task already has --allow-run).
      const script = new URL("./_bench_next.ts", import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ctx.tmpDir, String(ctx.quick ? 15 : 47)],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const text = new TextDecoder().decode(out.stdout).trim();
      if (!out.success) throw new Error(`Cannot benchmark review_next: child failed (${text})`);
      const { lat, floor } = JSON.parse(text.split("\n").pop()!) as {
        lat: number[];
        floor: number[];
      };
      ctx.log(`${lat.length} presses, max ${r2(Math.max(...lat))} ms`);
      return {
        p95_ms: r2(quantile(lat, 0.95)),
        p50_ms: r2(quantile(lat, 0.5)),
        presses: lat.length,
        frame_floor_p95_ms: r2(quantile(floor, 0.95)),
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
      const running = await serveReviewer(fx.decisionsPath, { port: 0, statePath });
      const url = `${running.url}api/automation/load_batch?size=50`;
      const one = async (): Promise<number> => {
        const t = performance.now();
        const res = await fetch(url);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`Cannot benchmark load_batch: HTTP ${res.status}`);
        return performance.now() - t;
      };
      try {
        for (let i = 0; i < 50; i++) await one(); // warm-up
        const lat: number[] = [];
        for (let r = 0; r < rounds; r++) {
          lat.push(...await Promise.all(Array.from({ length: 50 }, one)));
        }
        ctx.log(`${lat.length} requests over ${groups} groups`);
        // The machine's floor: a bare Deno.serve answering the same bytes the same way.
        const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
        const bare = Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen: () => {} },
          () => new Response(bytes, { headers: { "content-type": "application/json" } }),
        );
        const floorUrl = `http://127.0.0.1:${bare.addr.port}/`;
        const floor: number[] = [];
        try {
          for (let i = 0; i < 50; i++) await (await fetch(floorUrl)).arrayBuffer();
          for (let r = 0; r < rounds; r++) {
            floor.push(
              ...await Promise.all(Array.from({ length: 50 }, async () => {
                const t = performance.now();
                await (await fetch(floorUrl)).arrayBuffer();
                return performance.now() - t;
              })),
            );
          }
        } finally {
          await bare.shutdown();
        }
        return {
          p99_ms: r2(quantile(lat, 0.99)),
          p50_ms: r2(quantile(lat, 0.5)),
          requests: lat.length,
          response_bytes: bytes.length,
          floor_p99_ms: r2(quantile(floor, 0.99)),
        };
      } finally {
        await running.shutdown();
      }
    },
  },
];
