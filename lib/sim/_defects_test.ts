import assert from "node:assert/strict";
import type { RawImage } from "../image/mod.ts";
import type { Box } from "../types.ts";
import { applyDefect } from "./_defects.ts";
import type { DefectKind } from "./types.ts";

/** A smooth two-way gradient with a faint texture (what banding and ghosting act on). */
function gradient(w = 160, h = 120): RawImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const t = ((x * 7 + y * 13) % 11) * 2;
      data[i] = 40 + (150 * x) / w + t;
      data[i + 1] = 60 + (120 * y) / h;
      data[i + 2] = 200 - (100 * x) / w;
    }
  }
  return { data, width: w, height: h, channels: 3 };
}

/** Mean absolute change inside and outside a (normalised) box. */
function change(a: RawImage, b: RawImage, box: Box): { inside: number; outside: number } {
  let si = 0, ni = 0, so = 0, no = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const u = x / a.width, v = y / a.height;
      const i = (y * a.width + x) * 3;
      const d = Math.abs(a.data[i]! - b.data[i]!) + Math.abs(a.data[i + 1]! - b.data[i + 1]!);
      if (u >= box[0] && u <= box[2] && v >= box[1] && v <= box[3]) (si += d), ni++;
      // Well outside (the soft edge reaches ~10 % beyond the box).
      else if (u < box[0] - 0.12 || u > box[2] + 0.12 || v < box[1] - 0.12 || v > box[3] + 0.12) {
        (so += d), no++;
      }
    }
  }
  return { inside: si / Math.max(1, ni), outside: so / Math.max(1, no) };
}

const box: Box = [0.3, 0.3, 0.7, 0.7];
const params: Record<string, Record<string, number>> = {
  ghosting: { dx: 0.08, dy: 0.03 },
  noise_burst: { seed: 3, color: 0.4 },
  banding: {},
};

for (const kind of ["ghosting", "noise_burst", "banding"] as DefectKind[]) {
  Deno.test(`applyDefect() ${kind}: changes its region only, more with severity`, async () => {
    const sizes: number[] = [];
    for (const severity of [0.2, 0.9]) {
      const img = gradient();
      await applyDefect(img, { kind, origin_stage: 2, severity, box, params: params[kind]! }, []);
      const c = change(gradient(), img, box);
      assert.ok(c.inside > 0.3, `${kind} @ ${severity}: ${JSON.stringify(c)}`);
      assert.equal(c.outside, 0, `${kind} touched pixels far outside its box`);
      sizes.push(c.inside);
    }
    assert.ok(sizes[1]! > sizes[0]!, `${kind}: ${sizes}`);
  });
}
