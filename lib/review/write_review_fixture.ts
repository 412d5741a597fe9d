/**
 * A small, seeded review batch for tests and benchmarks: a sandbox folder with
 * tiny PNGs and an `automation_decisions.jsonl` describing groups of them.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import type { AutomationDecision, Box, DecisionImage } from "../types.ts";
import { mulberry32 } from "../random/mod.ts";

/** Options for {@linkcode writeReviewFixture}. */
export interface ReviewFixtureOptions {
  /** Number of groups (default 50). */
  groups?: number;
  /** RNG seed (default 1). */
  seed?: number;
  /** Image width and height in pixels (default 96 × 128). */
  width?: number;
  height?: number;
}

const defaults = { groups: 50, seed: 1, width: 96, height: 128 } satisfies Required<
  ReviewFixtureOptions
>;

/** What {@linkcode writeReviewFixture} wrote. */
export interface ReviewFixture {
  /** The sandbox root (the folder given). */
  root: string;
  /** `<root>/automation_decisions.jsonl`. */
  decisionsPath: string;
  decisions: AutomationDecision[];
}

const STAGES: [string, number][] = [
  ["stage1_generated", 1],
  ["stage1.5_face_swapped", 1.5],
  ["stage2_upscaled", 2],
  ["stage3_enhanced", 3],
];

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

async function paint(
  w: number,
  h: number,
  hue: [number, number, number],
  disc: { x: number; y: number; r: number },
): Promise<Uint8Array> {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const inDisc = (x - disc.x) ** 2 + (y - disc.y) ** 2 < disc.r ** 2;
      const g = y / h;
      data[i] = inDisc ? 240 : Math.round(hue[0] * (0.4 + 0.6 * g));
      data[i + 1] = inDisc ? 200 : Math.round(hue[1] * (0.4 + 0.6 * g));
      data[i + 2] = inDisc ? 170 : Math.round(hue[2] * (0.4 + 0.6 * g));
    }
  }
  return await encodeRaw({ data, width: w, height: h, channels: 3 }, { compressionLevel: 1 });
}

/**
 * Write a seeded review batch into `root`: `images/fixture/*.png` (2-4 stage
 * variants per group) and `automation_decisions.jsonl` with picks, crops,
 * confidences, reasons and flags spread over the usual cases.
 *
 * @param root An existing folder (becomes the sandbox root).
 * @param options Group count, seed, image size.
 * @returns The decisions and where they are.
 * @example
 * ```ts
 * const fx = await writeReviewFixture(await Deno.makeTempDir(), { groups: 10 });
 * ```
 */
export async function writeReviewFixture(
  root: string,
  options: ReviewFixtureOptions = {},
): Promise<ReviewFixture> {
  const opts = { ...defaults, ...options };
  const rand = mulberry32(opts.seed);
  const dir = join(root, "images", "fixture");
  await Deno.mkdir(dir, { recursive: true });
  const decisions: AutomationDecision[] = [];
  for (let g = 0; g < opts.groups; g++) {
    const n = 2 + Math.floor(rand() * 3);
    const stem = `20250708_${String(60000 + g * 7).padStart(6, "0")}`;
    const hue: [number, number, number] = [
      60 + Math.floor(rand() * 180),
      60 + Math.floor(rand() * 180),
      60 + Math.floor(rand() * 180),
    ];
    const images: DecisionImage[] = [];
    const cx = opts.width * (0.35 + rand() * 0.3);
    const cy = opts.height * (0.3 + rand() * 0.3);
    for (let k = 0; k < n; k++) {
      const [token, stage] = STAGES[k]!;
      const rel = `images/fixture/${stem}_${token}.png`;
      const bytes = await paint(opts.width, opts.height, hue, {
        x: cx + k * 3,
        y: cy,
        r: opts.width * (0.12 + 0.03 * k),
      });
      await Deno.writeFile(join(root, rel), bytes);
      images.push({
        path: rel,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        stage,
        width: opts.width,
        height: opts.height,
        score: round3(rand() * 4 - 2),
      });
    }
    const chosen = images.reduce((best, im, i) => im.score > images[best]!.score ? i : best, 0);
    const confidence = round3(0.3 + rand() * 0.69);
    const needsCrop = rand() < 0.6;
    const bw = 0.5 + rand() * 0.3;
    const bh = bw * 0.75;
    const x1 = round3(Math.min(1 - bw, Math.max(0, cx / opts.width - bw / 2)));
    const y1 = round3(Math.min(1 - bh, Math.max(0, cy / opts.height - bh / 2)));
    const box: Box = [x1, y1, round3(x1 + bw), round3(y1 + bh)];
    const flags: string[] = [];
    if (confidence < 0.5) flags.push("low_confidence");
    if (rand() < 0.15) flags.push("anomaly_suspected");
    const groupId = "g_" +
      createHash("sha256").update(`${opts.seed}:${g}`).digest("hex").slice(0, 16);
    decisions.push({
      group_id: groupId,
      project: "fixture",
      created: "2025-07-08T06:41:18.000Z",
      models: { ranker: "fixture-ranker", crop: "fixture-crop", embedder: "fixture-embed" },
      images,
      step1_selection: {
        chosen_index: chosen,
        chosen: images[chosen]!.path,
        confidence,
        margin: round3(rand() * 0.5),
        reasons: [`highest score ${images[chosen]!.score}`, `stage ${images[chosen]!.stage}`],
        auto_approvable: confidence >= 0.85 && flags.length === 0,
      },
      step2_crop: {
        needs_crop: needsCrop,
        box: needsCrop ? box : null,
        confidence: round3(0.3 + rand() * 0.69),
        reasons: needsCrop ? ["subject off-centre"] : ["framing already matches history"],
      },
      flags,
    });
  }
  const decisionsPath = join(root, "automation_decisions.jsonl");
  await Deno.writeTextFile(
    decisionsPath,
    decisions.map((d) => JSON.stringify(d)).join("\n") + "\n",
  );
  return { root, decisionsPath, decisions };
}
