/**
 * The README's screenshots of the review page at 1920×1080 (a normal group,
 * an anomaly-flagged group, compare mode) from a simulated batch.
 *
 * Run: `deno run -A tests/browser/_screenshots.ts [scale]` (writes docs/review_*.png)
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { writeSimulatedBatch } from "./_sim_batch.ts";
import { serveReviewer } from "../../reviewer/server.ts";
import { launchChromium } from "./_chromium.ts";

const docs = fileURLToPath(new URL("../../docs/", import.meta.url));
const root = await Deno.makeTempDir({ prefix: "keeper-shots-" });
const batch = await writeSimulatedBatch(root, {
  groups: 50,
  seed: 3,
  scale: Number(Deno.args[0] ?? "0.3"),
});
const server = await serveReviewer(batch.decisionsPath, { port: 0 });
const { context, close } = await launchChromium({ viewport: { width: 1920, height: 1080 } });
try {
  const page = context.pages()[0] ?? await context.newPage();
  await page.goto(server.url);
  const ds = batch.decisions;
  const show = async (i: number) => {
    await page.goto(`${server.url}`);
    await page.waitForSelector(`main[data-group-id="${ds[0]!.group_id}"]`);
    for (let k = 0; k < i; k++) await page.keyboard.press("ArrowDown");
    await page.waitForSelector(`main[data-group-id="${ds[i]!.group_id}"]`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll("main img")].every((im) => (im as HTMLImageElement).complete)
    );
    await page.waitForTimeout(300);
  };
  const normal = ds.findIndex((d) => d.flags.length === 0 && d.step2_crop.needs_crop);
  const flagged = ds.findIndex((d) => d.flags.includes("anomaly_suspected") && d.images.length > 2);
  const anomaly = flagged >= 0 ? flagged : Math.max(0, ds.findIndex((d) => d.flags.length > 0));
  await show(Math.max(0, normal));
  await page.screenshot({ path: `${docs}review_group.png` });
  await show(anomaly);
  await page.screenshot({ path: `${docs}review_anomaly.png` });
  await page.keyboard.press("f");
  await page.keyboard.press("+");
  await page.keyboard.press("+");
  await page.waitForFunction(() =>
    [...document.querySelectorAll("[data-testid=compare] img")].every((im) =>
      (im as HTMLImageElement).complete
    )
  );
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${docs}review_compare.png` });
  console.log(`groups ${normal + 1} and ${anomaly + 1} → docs/review_{group,anomaly,compare}.png`);
} finally {
  await close();
  await server.shutdown();
  await Deno.remove(root, { recursive: true });
}
