import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import { saveRanker, trainRanker } from "../rank/mod.ts";
import type { GroupMemberInput } from "../types.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { makeTestEncoder } from "../../tests/fixtures/make_test_encoder.ts";
import { loadDecideParts } from "./_load_parts.ts";

function member(i: number, stage: number, clip: Float32Array): GroupMemberInput {
  return {
    path: `${i}.png`,
    project: "p",
    stage,
    width: 0,
    height: 0,
    features: {
      sha256: `id:${i}`,
      width: 0,
      height: 0,
      phash: [0, 0],
      builtin: new Float32Array(0),
      embedding: null,
      blocks: { clip },
    },
  };
}

Deno.test("decide gives a ranker trained on the clip block the CLIP export's vectors, and reports images it cannot embed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper_decide_clip_" });
  try {
    // A ranker trained on embeddings-only history (512-d clip vectors, no pixels).
    const groups = Array.from({ length: 30 }, (_, g) => {
      const ms = [1, 2].map((stage, k) => {
        const v = new Float32Array(512).map((_, j) => Math.sin(g * 7 + k * 3 + j));
        return member(g * 2 + k, stage, v);
      });
      return { id: `g${g}`, project: "p", members: ms, chosen: g % 3 === 0 ? 0 : 1 };
    });
    const model = await trainRanker(groups.slice(0, 24), groups.slice(24), {
      features: ["builtin", "clip"],
      epochs: 3,
      threads: 1,
      hidden: [8],
    });
    const models = join(dir, "models");
    await saveRanker(models, model);
    const { bytes, config } = makeTestEncoder({ seed: 2 });
    await Deno.writeFile(join(dir, "clip.onnx"), bytes);
    await Deno.writeTextFile(join(dir, "clip.json"), JSON.stringify(config));
    const image = join(dir, "20250801_000001_stage2_upscaled.png");
    await Deno.writeFile(image, await encodeRaw(synthImage(200, 160, { seed: 3 })));

    const withEncoder = await loadDecideParts(models, join(dir, "a.sqlite"), {
      path: join(dir, "clip.onnx"),
      config: join(dir, "clip.json"),
    });
    const got = await withEncoder.features([image]);
    const clip = got.byPath.get(image)?.blocks?.["clip"];
    assert.equal(clip?.length, 512);
    assert.ok(Math.abs(Math.hypot(...clip!) - 1) < 1e-5);
    await withEncoder.dispose?.();

    // No encoder and nothing imported for this image: reported, never ranked on zeros.
    const without = await loadDecideParts(models, join(dir, "b.sqlite"), null);
    const miss = await without.features([image]);
    assert.equal(miss.byPath.size, 0);
    assert.match(miss.failed.get(image) ?? "", /^missing_clip/);
    await without.dispose?.();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
