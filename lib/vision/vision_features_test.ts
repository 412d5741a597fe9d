import assert from "node:assert/strict";
import type { RawImage } from "../image/mod.ts";
import { visionFeatures } from "./mod.ts";
import { BACKBONE_BLOCK_VERSION, VISION_BLOCK_DIM, VISION_BLOCK_VERSION } from "./vision_block.ts";
import { visionBlocksId } from "./vision_features.ts";
import type { VisionResult } from "./_types.ts";

const raw: RawImage = { data: new Uint8Array(2 * 2 * 3), width: 2, height: 2, channels: 3 };

function fake(): {
  asked: boolean[];
  analyze: (r: RawImage, o?: { embedding?: boolean }) => Promise<VisionResult>;
} {
  const asked: boolean[] = [];
  return {
    asked,
    analyze(r, o = {}) {
      asked.push(o.embedding ?? false);
      return Promise.resolve({
        width: r.width,
        height: r.height,
        faces: [],
        bodies: [],
        hands: [],
        persons: [],
        objects: [],
        subject: null,
        embedding: o.embedding ? new Float32Array(720).fill(1 / Math.sqrt(720)) : null,
      });
    },
  };
}

Deno.test("visionBlocksId() names block and model versions, independent of order", () => {
  const id = visionBlocksId(["backbone", "vision"]);
  assert.equal(id, visionBlocksId(["vision", "backbone"]));
  assert.ok(id.includes(`vision-v${VISION_BLOCK_VERSION}`));
  assert.ok(id.includes(`backbone-v${BACKBONE_BLOCK_VERSION}`));
  assert.notEqual(visionBlocksId(["vision"]), id);
  assert.equal(visionBlocksId([]), "");
  assert.throws(() => visionBlocksId(["clip" as "vision"]), RangeError);
});

Deno.test("visionFeatures() asks for the embedding only when the backbone block is wanted", async () => {
  const m = fake();
  const a = await visionFeatures(m, raw);
  assert.deepEqual(Object.keys(a), ["vision"]);
  assert.equal(a.vision!.length, VISION_BLOCK_DIM);
  const b = await visionFeatures(m, raw, { blocks: ["vision", "backbone"] });
  assert.deepEqual(Object.keys(b).sort(), ["backbone", "vision"]);
  assert.equal(b.backbone!.length, 720);
  assert.deepEqual(m.asked, [false, true]);
});
