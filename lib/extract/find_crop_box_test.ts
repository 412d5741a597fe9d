import assert from "node:assert/strict";
import { iou } from "../math/mod.ts";
import { findCropBox, type GreyImage, resizeGrey } from "./find_crop_box.ts";

/** A deterministic textured grey image (smooth waves + seeded grain). */
function texture(width: number, height: number, seed: number): GreyImage {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const f = [rand() * 0.2 + 0.03, rand() * 0.2 + 0.03, rand() * 0.1 + 0.02];
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = 128 + 50 * Math.sin(x * f[0]!) * Math.cos(y * f[1]!) +
        40 * Math.sin((x + y) * f[2]!) + (rand() - 0.5) * 30;
      data[y * width + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  }
  return { data, width, height };
}

function cut(img: GreyImage, box: [number, number, number, number]): GreyImage {
  const [x1, y1, x2, y2] = box;
  const data = new Uint8Array((x2 - x1) * (y2 - y1));
  for (let y = y1; y < y2; y++) {
    data.set(img.data.subarray(y * img.width + x1, y * img.width + x2), (y - y1) * (x2 - x1));
  }
  return { data, width: x2 - x1, height: y2 - y1 };
}

Deno.test("findCropBox() finds an unscaled crop to the exact pixel, also at the top edge", () => {
  const raw = texture(300, 200, 1);
  for (const box of [[40, 30, 250, 170], [0, 0, 180, 120], [95, 0, 300, 140]] as const) {
    const m = findCropBox(raw, cut(raw, [...box]));
    assert.ok(m !== null);
    assert.deepEqual(m.box, [...box]);
    assert.equal(m.scale, 1);
    assert.ok(m.score > 0.999 && m.mad === 0, JSON.stringify(m));
  }
});

Deno.test("findCropBox() recovers a rescaled crop within a few pixels", () => {
  const raw = texture(320, 240, 2);
  const box: [number, number, number, number] = [60, 20, 260, 170];
  const delivered = resizeGrey(cut(raw, box), { width: 120, height: 90 });
  const m = findCropBox(raw, delivered);
  assert.ok(m !== null);
  assert.ok(iou(m.box, box) > 0.95, JSON.stringify(m));
  assert.equal(m.mad, null);
  assert.ok(Math.abs(m.scale - 0.6) < 0.03);
});

Deno.test("findCropBox() scores an unrelated image below the 0.9 label threshold", () => {
  const m = findCropBox(texture(200, 200, 3), texture(120, 120, 4));
  assert.ok(m !== null && m.score < 0.9, JSON.stringify(m));
});
