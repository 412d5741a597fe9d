/**
 * Tiny synthetic labelled sets and crops for tests, benchmarks and
 * notebooks: the pick is the highest stage unless that image carries a
 * visible defect (a low first builtin feature), then the best other one.
 *
 * @module
 */
import type { Box, GroupMemberInput, ImageFeatures } from "../types.ts";
import { gaussian, mulberry32 } from "../nn/mod.ts";
import type { RankGroup } from "../rank/mod.ts";
import type { CropExample } from "../crop/mod.ts";

/** Options for {@linkcode syntheticGroups}. */
export interface SyntheticOptions {
  seed?: number;
  /** Builtin feature length. */
  builtin?: number;
  /** Embedding length (0 = none). */
  embedding?: number;
  /** Probability that the top-stage image is defective. */
  defectRate?: number;
  projects?: string[];
}

const defaults = {
  seed: 1,
  builtin: 8,
  embedding: 16,
  defectRate: 0.2,
  projects: ["alpha", "beta"],
} satisfies Required<SyntheticOptions>;

const STAGES = [1, 1.5, 2, 3];

function features(
  rand: () => number,
  o: Required<SyntheticOptions>,
  quality: number,
  size: number,
): ImageFeatures {
  const builtin = new Float32Array(o.builtin).map(() => gaussian(rand) * 0.3);
  builtin[0] = quality;
  let embedding: Float32Array | null = null;
  if (o.embedding > 0) {
    embedding = new Float32Array(o.embedding).map(() => gaussian(rand));
    embedding[0] = quality * 2;
    const norm = Math.hypot(...embedding);
    embedding = embedding.map((v) => v / norm);
  }
  return { sha256: "", width: size, height: size, phash: [0, 0], builtin, embedding };
}

/**
 * Labelled synthetic sets.
 *
 * @param count Number of sets.
 * @param options Seed and sizes.
 * @returns Sets with members in filename order.
 * @example
 * ```ts
 * const groups = syntheticGroups(200, { seed: 3 });
 * ```
 */
export function syntheticGroups(count: number, options: SyntheticOptions = {}): RankGroup[] {
  const o = { ...defaults, ...options };
  const rand = mulberry32(o.seed);
  const groups: RankGroup[] = [];
  for (let g = 0; g < count; g++) {
    const n = 2 + Math.floor(rand() * 3);
    const project = o.projects[g % o.projects.length]!;
    const stages = STAGES.slice(0, n).map((s, i) => (i === n - 1 && rand() < 0.5 ? 3 : s));
    const defective = rand() < o.defectRate;
    const members: GroupMemberInput[] = stages.map((stage, i) => {
      const quality = i === n - 1 && defective ? -1.5 : 0.5 + gaussian(rand) * 0.3;
      const size = stage >= 2 ? 2048 : 1024;
      return {
        path: `${project}/g${g}_${i}_stage${stage}.png`,
        project,
        stage,
        width: size,
        height: size,
        features: features(rand, o, quality, size),
      };
    });
    let chosen = n - 1;
    if (defective) {
      chosen = 0;
      for (let i = 1; i < n - 1; i++) {
        if ((members[i]!.stage ?? 0) >= (members[chosen]!.stage ?? 0)) chosen = i;
      }
    }
    groups.push({ id: `${project}-g${g}`, project, members, chosen });
  }
  return groups;
}

/**
 * Synthetic crops whose box side follows the first builtin feature.
 *
 * @param count Examples.
 * @param options Seed and sizes.
 * @returns Crop examples.
 * @example
 * ```ts
 * syntheticCrops(100, { seed: 1 });
 * ```
 */
export function syntheticCrops(count: number, options: SyntheticOptions = {}): CropExample[] {
  const o = { ...defaults, ...options };
  const rand = mulberry32(o.seed + 7);
  return Array.from({ length: count }, (_, i) => {
    const q = rand() * 2 - 1;
    const f = features(rand, o, q, 1024);
    const s = 0.6 + 0.15 * q, x = (1 - s) * 0.5;
    const box: Box = [x, 0, x + s, s];
    const project = o.projects[i % o.projects.length]!;
    return {
      member: { path: `c${i}.png`, project, stage: 3, width: 1024, height: 1024, features: f },
      box,
      no_crop: false,
    };
  });
}
