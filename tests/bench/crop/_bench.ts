/**
 * Benchmark `subject_crop_fit_20000`: fit the subject-relative crop model (λ and trimming
 * chosen by 5-fold cross-validation) on 20,000 synthetic crops in 15 projects, a fifth of them
 * with a wrong subject box (a strip at the frame's bottom), as `train` does on a creator's whole
 * history; beside it the same fit with trimming off (the ratio is the cost of trimming).
 *
 * @module
 */
import type { Benchmark } from "../../../lib/bench/mod.ts";
import { boxFromCoords, fitSubjectCrop } from "../../../lib/crop/mod.ts";
import type { CropExample } from "../../../lib/crop/mod.ts";
import type { Box } from "../../../lib/types.ts";
import { visionMember } from "../../fixtures/vision_member.ts";

/** Synthetic crops following the subject, `wrong` of them with a wrong subject box. */
export function syntheticCrops(n: number, wrong: number, seed: number): CropExample[] {
  let s = seed >>> 0;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, (_, i) => {
    const h = 0.4 + 0.5 * rnd(), w = 0.3 * h, x1 = rnd() * (1 - w), y1 = rnd() * (1 - h);
    const bad = rnd() < wrong;
    const subject: Box = [x1, bad ? 0.9 : y1, x1 + w, bad ? 1 : y1 + h];
    const box = boxFromCoords(y1 - 0.08 * h, y1 + 0.6 * h + (rnd() - 0.5) * 0.05, x1 + w / 2);
    const member = visionMember({
      path: `p${i % 15}/${i}.png`,
      project: `p${i % 15}`,
      subject,
      face: false,
      size: 1024,
      builtin: 0,
    });
    return { member, box, no_crop: false };
  });
}

/** Benchmarks of this area. */
export const benchmarks: Benchmark[] = [{
  name: "subject_crop_fit_20000",
  description: "fit the subject crop model (λ and trimming cross-validated) on 20,000 crops",
  run(ctx) {
    const n = ctx.quick ? 2_000 : 20_000;
    const crops = syntheticCrops(n, 0.2, 7);
    let t = performance.now();
    const model = fitSubjectCrop(crops);
    const ms = performance.now() - t;
    t = performance.now();
    fitSubjectCrop(crops, { trim: false });
    const msNoTrim = performance.now() - t;
    ctx.log(
      `subject crop fit: ${n} crops ${ms.toFixed(0)} ms (no trimming ${msNoTrim.toFixed(0)} ms)`,
    );
    return Promise.resolve({
      crops: n,
      ms: Math.round(ms),
      ms_no_trim: Math.round(msNoTrim),
      ratio_to_no_trim: Math.round((ms / msNoTrim) * 100) / 100,
      trim: model.trim,
      trimmed: model.trimmed,
    });
  },
}];
