/**
 * A small simulated sandbox for apply tests and benchmarks: groups of tiny
 * PNG stage variants with `.yaml`/`.caption` companions (every file's content
 * unique), some group `.decision` files, and matching automation + approved
 * decision files (validated by lib/decisions).
 *
 * @module
 */
import { join } from "node:path";
import { appendAutomationDecisions, groupIdOf, writeApprovedDecisions } from "../decisions/mod.ts";
import { encodeRaw } from "../image/mod.ts";
import type { ApprovedDecision, AutomationDecision, Box, ReviewAction } from "../types.ts";
import { sha256Hex } from "./_ops.ts";
import { mulberry32 } from "../random/mod.ts";

/** Options for {@linkcode makeApplyFixture}. */
export interface ApplyFixtureOptions {
  groups?: number;
  /** Images per group (2-4). */
  members?: number;
  /** Companion extensions written beside every image. */
  companions?: readonly string[];
  /** Seed of the deterministic RNG. */
  seed?: number;
  /** Folder under the root that holds the images. */
  folder?: string;
  /** Share of approved groups with a crop. */
  cropShare?: number;
  /** Share of groups rejected or skipped (nothing moves). */
  rejectShare?: number;
  /** Share of groups with a `<group stem>.decision`. */
  groupDecisionShare?: number;
  /** Image side in pixels. */
  size?: number;
}

const defaults = {
  groups: 50,
  members: 3,
  companions: [".yaml", ".caption"],
  seed: 1,
  folder: "incoming",
  cropShare: 0.3,
  rejectShare: 0.1,
  groupDecisionShare: 0.3,
  size: 8,
} satisfies Required<ApplyFixtureOptions>;

/** What {@linkcode makeApplyFixture} wrote. */
export interface ApplyFixture {
  root: string;
  groups: number;
  images: number;
  files: number;
  approved: ApprovedDecision[];
  decisions: AutomationDecision[];
}

/**
 * Deterministic RNG in [0, 1) (the project's mulberry32).
 *
 * @param seed Any integer.
 * @returns A function returning the next number.
 * @example
 * ```ts
 * const rand = seededRandom(1); rand();
 * ```
 */
export function seededRandom(seed: number): () => number {
  return mulberry32(seed);
}

const STAGES: [string, number][] = [
  ["stage1_generated", 1],
  ["stage1.5_face_swapped", 1.5],
  ["stage2_upscaled", 2],
  ["stage3_enhanced", 3],
];

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
}

/**
 * Write a fixture sandbox under `root` (created if missing).
 *
 * @param root The sandbox root to fill.
 * @param options Size and mix of the batch.
 * @returns Counts and the decision records written.
 * @example
 * ```ts
 * const fx = await makeApplyFixture(await Deno.makeTempDir(), { groups: 5 });
 * ```
 */
export async function makeApplyFixture(
  root: string,
  options: ApplyFixtureOptions = {},
): Promise<ApplyFixture> {
  const opts = { ...defaults, ...options };
  const rand = seededRandom(opts.seed);
  const dir = join(root, opts.folder);
  await Deno.mkdir(dir, { recursive: true });
  const decisions: AutomationDecision[] = [];
  const approved: ApprovedDecision[] = [];
  let files = 0;
  const base = Date.UTC(2025, 6, 8);
  for (let g = 0; g < opts.groups; g++) {
    const images: AutomationDecision["images"] = [];
    for (let k = 0; k < opts.members; k++) {
      const [token, stage] = STAGES[k]!;
      const name = `${stamp(base + g * 600_000 + k * 61_000)}_${token}.png`;
      const px = new Uint8Array(opts.size * opts.size * 3);
      for (let i = 0; i < px.length; i++) px[i] = Math.floor(rand() * 256);
      const png = await encodeRaw({ data: px, width: opts.size, height: opts.size, channels: 3 });
      await Deno.writeFile(join(dir, name), png);
      files++;
      for (const ext of opts.companions) {
        const text = `${name}${ext}: ${rand().toString(36).slice(2)}\n`;
        await Deno.writeTextFile(join(dir, name.replace(/\.png$/, ext)), text);
        files++;
      }
      images.push({
        path: `${opts.folder}/${name}`,
        sha256: sha256Hex(png),
        stage,
        width: opts.size,
        height: opts.size,
        score: Math.round(rand() * 1000) / 1000,
      });
    }
    if (rand() < opts.groupDecisionShare) {
      const name = `${stamp(base + g * 600_000)}.decision`;
      await Deno.writeTextFile(join(dir, name), JSON.stringify({ group: g, r: rand() }) + "\n");
      files++;
    }
    const groupId = await groupIdOf(images.map((i) => i.sha256));
    const chosen = images.length - 1;
    const box: Box = [0, 0, 0.75, 0.75];
    const crop = rand() < opts.cropShare;
    decisions.push({
      group_id: groupId,
      project: "fixture",
      created: new Date(base).toISOString(),
      models: { ranker: "fixture", crop: "fixture", embedder: "fixture" },
      images,
      step1_selection: {
        chosen_index: chosen,
        chosen: images[chosen]!.path,
        confidence: 0.9,
        margin: 0.5,
        reasons: ["fixture"],
        auto_approvable: true,
      },
      step2_crop: { needs_crop: crop, box: crop ? box : null, confidence: 0.8, reasons: [] },
      flags: [],
    });
    const r = rand();
    const action: ReviewAction = r < opts.rejectShare
      ? (r < opts.rejectShare / 2 ? "reject" : "skip")
      : (rand() < 0.2 ? "override" : "approve");
    const picks = action === "approve" || action === "override";
    const finalChoice = action === "override" ? Math.floor(rand() * chosen) : chosen;
    approved.push({
      group_id: groupId,
      action,
      final_choice: picks ? finalChoice : null,
      crop_coords: picks && crop ? box : null,
      ai_choice: chosen,
      ai_crop: crop ? box : null,
      timestamp: new Date(base + g * 1000).toISOString(),
      seconds_spent: 2,
    });
  }
  await appendAutomationDecisions(join(root, "automation_decisions.jsonl"), decisions);
  await writeApprovedDecisions(join(root, "approved_decisions.jsonl"), approved);
  return {
    root,
    groups: opts.groups,
    images: opts.groups * opts.members,
    files,
    approved,
    decisions,
  };
}
