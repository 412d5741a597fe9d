/**
 * Child process of the `review_next` benchmark: serve a fixture batch, press
 * `A` in headless Chromium and print the key → next-group-visible latencies
 * (ms), and the same for an unbound key (frame floor), as one JSON object
 * `{lat, floor, committed, loaded, cpu}` on the last stdout line (`committed`:
 * key → the new group in the DOM; `loaded`: → its images complete; `cpu`: the
 * renderer's main-thread CPU and script/style/layout time per press, ms).
 *
 * The fixture's images are 1200 × 1600, larger than any window shows, so the
 * page asks for thumbnails at its painted size × devicePixelRatio and the
 * server makes them (issue #21 item 4). Before each press the bench waits
 * until no image request is in flight: the prefetch a person's look at the
 * group gives it time for (a press every few seconds, not every frame).
 *
 * Usage: `deno run -A lib/review/_bench_next.ts <tmpDir> <presses>`
 *
 * @module
 */
import { writeReviewFixture } from "../../fixtures/write_review_fixture.ts";
import { serveReviewer } from "../../../reviewer/server.ts";
import { launchChromium } from "../../browser/_chromium.ts";

const [tmpDir, pressArg] = Deno.args;
// The page loads 50 groups per batch: at most 47 measured + 2 warm-up presses.
const presses = Math.min(47, Number(pressArg ?? "47"));
const fx = await writeReviewFixture(tmpDir!, { groups: presses + 3, width: 1200, height: 1600 });
const running = await serveReviewer(fx.decisionsPath, { port: 0 });
const { context, close } = await launchChromium();
try {
  const page = context.pages()[0] ?? await context.newPage();
  // Image requests in flight (thumbnails and prefetches), and the widths asked for.
  let inFlight = 0;
  const widths = new Set<number>();
  const isImage = (u: string) => /\/api\/(thumb|image)\//.test(u);
  page.on("request", (r) => {
    if (!isImage(r.url())) return;
    inFlight++;
    const w = new URL(r.url()).searchParams.get("w");
    if (w !== null) widths.add(Number(w));
  });
  const done = (r: { url(): string }) => {
    if (isImage(r.url())) inFlight--;
  };
  page.on("requestfinished", done);
  page.on("requestfailed", done);
  const settled = async () => {
    const until = performance.now() + 30_000;
    while (inFlight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
  };
  await page.goto(running.url);
  await page.waitForSelector(`main[data-group-id="${fx.decisions[0]!.group_id}"]`);
  await page.evaluate(() => {
    const w = globalThis as unknown as { __lat: number[]; __parts: number[][] };
    w.__lat = [];
    // Per press: [DOM committed (new group id in <main>), images complete, painted] ms after keydown.
    w.__parts = [];
    addEventListener("keydown", () => {
      const t0 = performance.now();
      const main = document.querySelector("main")!;
      const prev = main.dataset.groupId;
      let committed = -1, loaded = -1;
      const mo = new MutationObserver(() => {
        if (committed < 0 && document.querySelector("main")!.dataset.groupId !== prev) {
          committed = performance.now() - t0;
          mo.disconnect();
        }
      });
      mo.observe(document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ["data-group-id"],
      });
      const tick = () => {
        const m = document.querySelector("main")!;
        const imgs = [...m.querySelectorAll("img")];
        if (
          m.dataset.groupId !== prev && imgs.length > 0 &&
          imgs.every((i) => i.complete && i.naturalWidth > 0)
        ) {
          loaded = performance.now() - t0;
          // One more frame: the new group has been painted.
          requestAnimationFrame(() => {
            const painted = performance.now() - t0;
            mo.disconnect();
            w.__parts.push([committed, loaded, painted]);
            w.__lat.push(painted);
          });
        } else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, true);
  });
  // Two warm-up presses (first-use compilation), not counted.
  const warm = 2;
  // The renderer's own CPU over the measured presses (Chrome DevTools Protocol
  // metrics): main-thread CPU time and script / style / layout durations.
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  const metrics = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]),
    );
  let m0: Record<string, number> = {};
  for (let i = 0; i < presses + warm; i++) {
    await settled();
    if (i === warm) m0 = await metrics();
    await page.keyboard.press("a");
    await page.waitForFunction(
      (n) => (globalThis as unknown as { __lat: number[] }).__lat.length >= n,
      i + 1,
    );
  }
  const m1 = await metrics();
  const perPress = (name: string) => ((m1[name] ?? 0) - (m0[name] ?? 0)) * 1000 / presses;
  const cpu = {
    thread_ms: perPress("ThreadTime"),
    script_ms: perPress("ScriptDuration"),
    style_ms: perPress("RecalcStyleDuration"),
    layout_ms: perPress("LayoutDuration"),
  };
  const lat = (await page.evaluate(() => (globalThis as unknown as { __lat: number[] }).__lat))
    .slice(warm);
  const parts = (await page.evaluate(() =>
    (globalThis as unknown as { __parts: number[][] }).__parts
  )).slice(warm);
  // The machine's floor: an unbound key (no state change) → two frames later.
  await page.evaluate(() => {
    const w = globalThis as unknown as { __floor: number[] };
    w.__floor = [];
    addEventListener("keydown", (e) => {
      if (e.key !== "x") {
        return;
      }
      const t0 = performance.now();
      requestAnimationFrame(() =>
        requestAnimationFrame(() =>
          w.__floor.push(performance.now() - t0)
        )
      );
    }, true);
  });
  const f0 = await metrics();
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press("x");
    await page.waitForFunction(
      (n) => (globalThis as unknown as { __floor: number[] }).__floor.length >= n,
      i + 1,
    );
  }
  const floor = await page.evaluate(() => (globalThis as unknown as { __floor: number[] }).__floor);
  const f1 = await metrics();
  // The same measurement machinery around a key that changes nothing.
  const floorThreadMs = ((f1.ThreadTime ?? 0) - (f0.ThreadTime ?? 0)) * 1000 / presses;
  const r = (v: number) => Math.round(v * 100) / 100;
  console.log(JSON.stringify({
    lat: lat.map(r),
    thumb_widths: [...widths].sort((a, b) => a - b),
    floor: floor.map(r),
    committed: parts.map((p) => r(p[0]!)),
    loaded: parts.map((p) => r(p[1]!)),
    cpu: Object.fromEntries(
      Object.entries({ ...cpu, floor_thread_ms: floorThreadMs }).map(([k, v]) => [k, r(v)]),
    ),
  }));
} finally {
  await close();
  await running.shutdown();
}
