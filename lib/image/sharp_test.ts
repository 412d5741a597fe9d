import assert from "node:assert/strict";
import { encodeRaw, probe, readRaw, resizeRaw } from "./mod.ts";

Deno.test("encodeRaw() then readRaw() round-trips PNG pixels exactly", async () => {
  const data = new Uint8Array(4 * 3 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  const png = await encodeRaw({ data, width: 4, height: 3, channels: 3 });
  const back = await readRaw(png);
  assert.equal(back.width, 4);
  assert.equal(back.height, 3);
  assert.deepEqual(Array.from(back.data), Array.from(data));
  assert.deepEqual(await probe(png), { width: 4, height: 3, format: "png" });
});

Deno.test("resizeRaw() produces the requested size", async () => {
  const img = {
    data: new Uint8Array(8 * 8 * 3).fill(200),
    width: 8,
    height: 8,
    channels: 3 as const,
  };
  const small = await resizeRaw(img, { width: 2, height: 4 });
  assert.equal(small.width * small.height * small.channels, small.data.length);
  assert.equal(small.data[0], 200);
});
