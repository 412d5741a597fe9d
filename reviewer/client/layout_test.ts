import assert from "node:assert/strict";
import { imageUrl, layoutGroup, thumbUrl, thumbWidth } from "./layout.ts";

Deno.test("layoutGroup() puts two portraits in one row, filling the height", () => {
  const l = layoutGroup([2 / 3, 2 / 3], { width: 1600, height: 950 });
  assert.deepEqual([l.columns, l.rows, l.images.length], [2, 1, 2]);
  assert.equal(l.images[1]!.height, l.images[0]!.height);
  assert.ok(l.images[0]!.height >= 950 - 72 - 2 && l.images[0]!.height <= 950 - 72);
  assert.ok(Math.abs(l.images[0]!.width / l.images[0]!.height - 2 / 3) < 0.01);
});

Deno.test("layoutGroup() stacks four landscapes in two rows when that shows them bigger", () => {
  const l = layoutGroup([2, 2, 2, 2], { width: 1600, height: 950 });
  assert.deepEqual([l.columns, l.rows], [2, 2]);
  for (const im of l.images) assert.ok(im.width * 2 + 10 + 36 <= 1600 && im.height > 300);
});

Deno.test("layoutGroup() never lets an image overflow its cell, and squares odd aspects", () => {
  const l = layoutGroup([0, Number.NaN, 1], { width: 300, height: 300 });
  assert.equal(l.images.length, 3);
  for (const im of l.images) {
    assert.ok(im.width <= 300 && im.height <= 300 - 72);
    assert.ok(Math.abs(im.width - im.height) <= 1);
  }
});

Deno.test("thumbWidth() asks for painted size × devicePixelRatio, capped at the original", () => {
  assert.equal(thumbWidth({ width: 400, height: 600 }, 1, { width: 2000, height: 3000 }), 768);
  assert.equal(thumbWidth({ width: 400, height: 600 }, 2, { width: 2000, height: 3000 }), 1536);
  // The original is smaller than needed: the step that returns the file itself.
  assert.equal(thumbWidth({ width: 400, height: 600 }, 2, { width: 300, height: 450 }), 512);
  assert.equal(thumbUrl("g_0", 1, 1024), "/api/thumb/g_0/1?w=1024");
  assert.equal(imageUrl("g_0", 2), "/api/image/g_0/2");
});
