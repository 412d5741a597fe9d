/**
 * Benchmark `group_10000`: group 10,000 images whose hashes and embeddings
 * are already cached (synthetic features shaped like the simulator's:
 * 3-member stage groups minutes apart, pHash within a few bits, 512-d
 * embeddings), in 10 character folders — half with stage names (tier 1),
 * half with timestamp-only names (tier 2). Also times the worst case: one
 * folder, no names at all (all-pairs pHash).
 *
 * @module
 */
import process from "node:process";
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { type ContentFile, groupImages, scoreGrouping } from "../../../lib/group/mod.ts";

const STAGES = ["stage1_generated", "stage1.5_face_swapped", "stage2_upscaled"];

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Synthetic cached features: `n` images in groups of 3, plus the true groups. */
export function syntheticFeatures(
  n: number,
  options: { dirs: number; named: "half" | "none"; seed: number },
): { files: ContentFile[]; truth: string[][] } {
  let s = options.seed >>> 0;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const files: ContentFile[] = [];
  const truth: string[][] = [];
  const dim = 512;
  let t = Date.UTC(2025, 5, 1);
  for (let g = 0; files.length < n; g++) {
    const dir = `chars/c${g % options.dirs}`;
    const named = options.named === "half" && (g % options.dirs) < options.dirs / 2;
    const hi = (rnd() * 2 ** 32) >>> 0, lo = (rnd() * 2 ** 32) >>> 0;
    const base = new Float32Array(dim).map(() => rnd() - 0.5);
    const members: string[] = [];
    t += (25 + rnd() * 215) * 1000;
    for (let k = 0; k < 3 && files.length < n; k++) {
      if (k > 0) t += (20 + rnd() * 275) * 1000;
      const e = base.map((x) => x + 0.08 * (rnd() - 0.5));
      const norm = Math.hypot(...e);
      const flip = (1 << Math.floor(rnd() * 32)) | (1 << Math.floor(rnd() * 32));
      const name = options.named === "none"
        ? `img_${g}_${k}.png`
        : named
        ? `${stamp(t)}_${STAGES[k]}.png`
        : `${stamp(t)}_${k}.png`;
      const path = `${dir}/${name}`;
      files.push({
        path,
        sha256: `${g.toString(16).padStart(8, "0")}${k}`,
        phash: [(hi ^ flip) >>> 0, lo],
        embedding: e.map((x) => x / norm),
      });
      members.push(path);
    }
    truth.push(members);
  }
  return { files, truth };
}

/** The grouping benchmarks. */
export const benchmarks: Benchmark[] = [{
  name: "group_10000",
  description: "group 10,000 images with cached hashes + embeddings (stage runs + content)",
  run(ctx) {
    const n = ctx.quick ? 1000 : 10_000;
    const mixed = syntheticFeatures(n, { dirs: 10, named: "half", seed: 7 });
    groupImages(syntheticFeatures(2000, { dirs: 10, named: "half", seed: 9 }).files); // JIT warm-up
    let t = performance.now();
    const cpu0 = process.cpuUsage();
    const g = groupImages(mixed.files);
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const score = scoreGrouping(g.groups.map((x) => x.members), mixed.truth);
    ctx.log(`mixed: ${seconds.toFixed(3)} s, ${g.groups.length} groups, F1 ${score.f1.toFixed(4)}`);
    const flat = syntheticFeatures(n, { dirs: 1, named: "none", seed: 8 });
    t = performance.now();
    const g2 = groupImages(flat.files);
    const worst = (performance.now() - t) / 1000;
    const score2 = scoreGrouping(g2.groups.map((x) => x.members), flat.truth);
    ctx.log(`one folder, no names (all pairs): ${worst.toFixed(3)} s, F1 ${score2.f1.toFixed(4)}`);
    return Promise.resolve({
      seconds: Number(seconds.toFixed(4)),
      // Process CPU during the timed call: the wall time on an idle core (the call is single-threaded).
      cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(4)),
      images: n,
      groups: g.groups.length,
      f1: Number(score.f1.toFixed(4)),
      seconds_one_folder_no_names: Number(worst.toFixed(4)),
      f1_one_folder_no_names: Number(score2.f1.toFixed(4)),
    });
  },
}];
