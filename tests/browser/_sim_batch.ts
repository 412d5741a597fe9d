/**
 * A review batch from the creator simulator: real-photo stage variants from
 * `lib/sim`, with automation decisions derived from the simulator's ground
 * truth (mostly right, sometimes wrong, seeded), for browser tests and demos.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { type GroundTruthRecord, simulate } from "../../lib/sim/mod.ts";
import {
  appendAutomationDecisions,
  groupIdOf,
  validateAutomationDecision,
} from "../../lib/decisions/mod.ts";
import type { AutomationDecision } from "../../lib/types.ts";
import type { ReviewFixture } from "../fixtures/write_review_fixture.ts";

/** Options for {@linkcode writeSimulatedBatch}. */
export interface SimulatedBatchOptions {
  /** Groups (default 50). */
  groups?: number;
  /** Seed of the simulator and of the proposed mistakes (default 3). */
  seed?: number;
  /** Simulator image scale (default 0.1: 100-300 px images, a few seconds). */
  scale?: number;
  /** Share of groups where the proposal picks another image (default 0.2). */
  wrongRate?: number;
}

const defaults = { groups: 50, seed: 3, scale: 0.1, wrongRate: 0.2 } satisfies Required<
  SimulatedBatchOptions
>;

function unit(seed: number, key: string): number {
  const h = createHash("sha256").update(`${seed}:${key}`).digest();
  return h.readUInt32BE(0) / 4294967296;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Simulate one project of `groups` held-out groups in `root` and write
 * `root/automation_decisions.jsonl` proposing picks and crops for them.
 *
 * @param root An empty folder (becomes the sandbox root).
 * @param options Size, seed, scale, mistake rate.
 * @returns The decisions and where they are.
 * @example
 * ```ts
 * const batch = await writeSimulatedBatch(await Deno.makeTempDir(), { groups: 20 });
 * ```
 */
export async function writeSimulatedBatch(
  root: string,
  options: SimulatedBatchOptions = {},
): Promise<ReviewFixture> {
  const opts = { ...defaults, ...options };
  await simulate(root, {
    projects: 1,
    groups: 0,
    heldout: opts.groups,
    scale: opts.scale,
    seed: opts.seed,
    reuse: false,
  });
  const truth = (await Deno.readTextFile(join(root, "ground_truth.jsonl")))
    .split("\n").filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as GroundTruthRecord);
  const decisions: AutomationDecision[] = [];
  for (const g of truth) {
    const shas = await Promise.all(
      g.members.map(async (m) =>
        createHash("sha256").update(await Deno.readFile(join(root, m.path))).digest("hex")
      ),
    );
    const n = g.members.length;
    const wrong = n > 1 && unit(opts.seed, `${g.group_id}:wrong`) < opts.wrongRate;
    const pick = wrong
      ? (g.chosen_index + 1 + Math.floor(unit(opts.seed, `${g.group_id}:alt`) * (n - 1))) % n
      : g.chosen_index;
    const confidence = r3(
      wrong
        ? 0.35 + 0.3 * unit(opts.seed, `${g.group_id}:c`)
        : 0.6 + 0.39 * unit(opts.seed, `${g.group_id}:c`),
    );
    const scores = g.members.map((_, i) =>
      r3(i === pick ? 1.5 : unit(opts.seed, `${g.group_id}:${i}`))
    );
    const flags = [
      ...(g.anomaly ? ["anomaly_suspected"] : []),
      ...(confidence < 0.5 ? ["low_confidence"] : []),
    ];
    const box = g.needs_crop && g.crop_box !== null
      ? g.crop_box.map(r3) as AutomationDecision["step2_crop"]["box"]
      : null;
    decisions.push(validateAutomationDecision({
      group_id: await groupIdOf(shas),
      project: g.project,
      created: "2025-06-02T09:00:00Z",
      grouping: "stage_run",
      models: { ranker: "sim-truth", crop: "sim-truth", embedder: "none" },
      images: g.members.map((m, i) => ({
        path: m.path,
        sha256: shas[i]!,
        stage: m.stage,
        width: m.width,
        height: m.height,
        score: scores[i]!,
      })),
      step1_selection: {
        chosen_index: pick,
        chosen: g.members[pick]!.path,
        confidence,
        margin: r3(confidence / 3),
        reasons: [
          `stage ${g.members[pick]!.stage} variant`,
          wrong ? "close call between variants" : "sharpest, fewest defects",
        ],
        auto_approvable: confidence >= 0.9 && flags.length === 0,
      },
      step2_crop: {
        needs_crop: box !== null,
        box,
        confidence: r3(0.5 + 0.49 * unit(opts.seed, `${g.group_id}:cc`)),
        reasons: box !== null
          ? ["subject off-centre", "matches past framing"]
          : ["framing already matches history"],
      },
      flags,
    }));
  }
  const decisionsPath = join(root, "automation_decisions.jsonl");
  await appendAutomationDecisions(decisionsPath, decisions);
  return { root, decisionsPath, decisions };
}
