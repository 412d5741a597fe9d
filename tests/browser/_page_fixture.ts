/**
 * Hand-shaped review batches for the page tests: each group says its image
 * sizes (square, portrait, landscape), pick, crop box, flags, project, and
 * which files are missing or unreadable, plus an optional region where the
 * later stages differ (the "change" a loupe should find). Serves the batch
 * and opens it in headless Chromium at a given window size.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { encodeRaw } from "../../lib/image/mod.ts";
import { groupIdOf, validateAutomationDecision } from "../../lib/decisions/mod.ts";
import type { AutomationDecision, Box } from "../../lib/types.ts";
import type { ReviewFixture } from "../fixtures/write_review_fixture.ts";
import { type RunningReviewer, serveReviewer } from "../../reviewer/server.ts";
import { launchChromium } from "./_chromium.ts";
import type { Page } from "playwright-core";

/** One image of a {@linkcode GroupSpec}. */
export interface ImageSpec {
  w: number;
  h: number;
  /** Left out of the sandbox after the decision was written. */
  missing?: boolean;
  /** Written as bytes no decoder reads. */
  corrupt?: boolean;
}

/** One group of a page fixture. */
export interface GroupSpec {
  images: ImageSpec[];
  pick?: number;
  box?: Box | null;
  flags?: string[];
  project?: string;
  confidence?: number;
  reasons?: string[];
  /** Normalised region where every stage after the first differs from it. */
  change?: Box;
  /** In the auto-approve band (default false). */
  auto?: boolean;
}

const STAGES: [string, number][] = [
  ["stage1_generated", 1],
  ["stage1.5_face_swapped", 1.5],
  ["stage2_upscaled", 2],
  ["stage3_enhanced", 3],
];

async function paint(
  w: number,
  h: number,
  seed: number,
  k: number,
  change: Box | undefined,
): Promise<Uint8Array> {
  const data = new Uint8Array(w * h * 3);
  const hue = [80 + (seed * 37) % 150, 80 + (seed * 61) % 150, 80 + (seed * 89) % 150];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      // A smooth gradient plus a coarse checker, so position is visible.
      const g = 0.5 + 0.5 * (x / w + y / h) / 2;
      const check = ((x >> 5) + (y >> 5)) & 1 ? 1 : 0.85;
      let v = [hue[0]! * g * check, hue[1]! * g * check, hue[2]! * g * check];
      if (
        change && k > 0 && x >= change[0] * w && x < change[2] * w && y >= change[1] * h &&
        y < change[3] * h
      ) {
        v = ((x >> 2) + (y >> 2)) & 1 ? [250, 250, 250] : [10, 10, 10];
      }
      data[i] = Math.round(v[0]!);
      data[i + 1] = Math.round(v[1]!);
      data[i + 2] = Math.round(v[2]!);
    }
  }
  return await encodeRaw({ data, width: w, height: h, channels: 3 }, { compressionLevel: 1 });
}

/**
 * Write `groups` into `root` (images under `images/<project>/`) and its
 * `automation_decisions.jsonl`.
 *
 * @param root An empty folder (the sandbox root).
 * @param groups The groups.
 * @returns The decisions and where they are.
 */
export async function writePageFixture(root: string, groups: GroupSpec[]): Promise<ReviewFixture> {
  const decisions: AutomationDecision[] = [];
  for (const [g, spec] of groups.entries()) {
    const project = spec.project ?? "alpha";
    const dir = join(root, "images", project);
    await Deno.mkdir(dir, { recursive: true });
    const stem = `20250708_${String(70000 + g * 7).padStart(6, "0")}`;
    const images = [];
    const missing: string[] = [];
    for (const [k, im] of spec.images.entries()) {
      const [token, stage] = STAGES[k]!;
      const rel = `images/${project}/${stem}_${token}.png`;
      const bytes = im.corrupt
        ? new TextEncoder().encode("not an image at all, just text pretending to be a PNG\n")
        : await paint(im.w, im.h, g + 1, k, spec.change);
      await Deno.writeFile(join(root, rel), bytes);
      if (im.missing) missing.push(join(root, rel));
      images.push({
        path: rel,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        stage,
        width: im.w,
        height: im.h,
        score: k === (spec.pick ?? 0) ? 1.5 : 0.2 * k,
      });
    }
    const pick = spec.pick ?? 0;
    const confidence = spec.confidence ?? 0.8;
    const box = spec.box ?? null;
    decisions.push(validateAutomationDecision({
      group_id: await groupIdOf(images.map((i) => i.sha256).concat(String(g))),
      project,
      created: "2025-07-08T06:41:18.000Z",
      grouping: "stage_run",
      models: { ranker: "fixture", crop: "fixture", embedder: "none" },
      images,
      step1_selection: {
        chosen_index: pick,
        chosen: images[pick]!.path,
        confidence,
        margin: 0.2,
        reasons: spec.reasons ??
          [`kept stage ${images[pick]!.stage}: highest stage, no defect signals`],
        auto_approvable: spec.auto ?? false,
      },
      step2_crop: {
        needs_crop: box !== null,
        box,
        confidence: 0.7,
        reasons: box !== null ? ["crop: your usual top-anchored crop"] : ["no crop"],
      },
      flags: spec.flags ?? [],
    }));
    for (const m of missing) await Deno.remove(m);
  }
  const decisionsPath = join(root, "automation_decisions.jsonl");
  await Deno.writeTextFile(
    decisionsPath,
    decisions.map((d) => JSON.stringify(d)).join("\n") + "\n",
  );
  return { root, decisionsPath, decisions };
}

/** A served fixture open in a headless page. */
export interface OpenPage {
  page: Page;
  server: RunningReviewer;
  fixture: ReviewFixture;
  /** Uncaught page errors so far. */
  errors: string[];
  /** Thumbnail and image URLs the page requested, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Write, serve and open a page fixture.
 *
 * @param groups The groups.
 * @param view Window size and device pixel ratio.
 */
export async function openPage(
  groups: GroupSpec[],
  view: { width: number; height: number; dpr?: number } = { width: 1280, height: 720 },
): Promise<OpenPage> {
  const root = await Deno.makeTempDir({ prefix: "keeper-page-" });
  const fixture = await writePageFixture(root, groups);
  const server = await serveReviewer(fixture.decisionsPath, { port: 0 });
  const browser = await launchChromium({
    viewport: { width: view.width, height: view.height },
    deviceScaleFactor: view.dpr ?? 1,
  });
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("request", (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/api/thumb/") || u.pathname.startsWith("/api/image/")) {
      requests.push(u.pathname + u.search);
    }
  });
  await page.goto(server.url);
  await page.waitForSelector(`main[data-group-id="${fixture.decisions[0]!.group_id}"]`);
  return {
    page,
    server,
    fixture,
    errors,
    requests,
    close: async () => {
      await browser.close();
      await server.shutdown();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Wait until every image in `<main>` has finished loading (or failed). */
export async function imagesSettled(page: Page): Promise<void> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll("main img")].every((im) => (im as HTMLImageElement).complete)
  );
}

/**
 * The rectangle `object-fit: contain` paints an image in, in page pixels
 * (the whole element when the fit is `fill`).
 */
export async function paintedRect(
  page: Page,
  selector: string,
): Promise<{ x: number; y: number; width: number; height: number }> {
  return await page.$eval(selector, (el) => {
    const im = el as HTMLImageElement;
    const r = im.getBoundingClientRect();
    const fit = getComputedStyle(im).objectFit;
    if (fit !== "contain" || im.naturalWidth === 0) {
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }
    const s = Math.min(r.width / im.naturalWidth, r.height / im.naturalHeight);
    const w = im.naturalWidth * s;
    const h = im.naturalHeight * s;
    return { x: r.x + (r.width - w) / 2, y: r.y + (r.height - h) / 2, width: w, height: h };
  });
}

/** The group under review as the server holds it (its review included). */
export async function serverGroup(
  server: RunningReviewer,
  groupId: string,
): Promise<
  {
    review: {
      action: string;
      final_choice: number | null;
      crop_coords: Box | null;
      manual_crop: boolean;
    } | null;
  }
> {
  const res = await fetch(`${server.url}api/automation/load_batch?size=500&offset=0`);
  const body = await res.json() as { groups: { group_id: string; review: never }[] };
  const g = body.groups.find((x) => x.group_id === groupId);
  if (g === undefined) throw new Error(`group ${groupId} not in the batch`);
  return g;
}
