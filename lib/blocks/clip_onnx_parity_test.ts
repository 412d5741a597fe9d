import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeOnce, encodeRaw } from "../image/mod.ts";
import { cosine, OnnxEmbedder, openFeatureCache } from "../embed/mod.ts";
import { embedWithBlocks } from "./mod.ts";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { makeTestEncoder } from "../../tests/fixtures/make_test_encoder.ts";
import { CLIP_BLOCK, CLIP_BLOCK_ID, importEmbeddings, writeNpyVector } from "../clip/mod.ts";

Deno.test("the clip block from the CLIP ONNX export agrees with the original's .npy of the same image after import", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper_clip_parity_" });
  try {
    // A generated encoder with CLIP's I/O signature stands in for the creator's export.
    const { bytes, config } = makeTestEncoder({ seed: 4 });
    const model = join(dir, "clip.onnx");
    await Deno.writeFile(model, bytes);
    await Deno.writeTextFile(join(dir, "clip.json"), JSON.stringify(config));
    const images: string[] = [];
    await Deno.mkdir(join(dir, "mojo1"));
    for (const seed of [1, 2, 3]) {
      const p = join(dir, "mojo1", `2025080${seed}_120000_stage2_upscaled.png`);
      await Deno.writeFile(p, await encodeRaw(synthImage(320 + 40 * seed, 256, { seed })));
      images.push(p);
    }
    // The original's way: encode_image output saved raw with np.save, indexed by image path.
    const ai = join(dir, "data", "ai_data");
    await Deno.mkdir(join(ai, "embeddings"), { recursive: true });
    await Deno.mkdir(join(ai, "cache"));
    await Deno.mkdir(join(dir, "projects"));
    await Deno.writeTextFile(
      join(dir, "projects", "mojo1.project.json"),
      JSON.stringify({ projectId: "mojo1" }),
    );
    const lines: string[] = [];
    {
      await using enc = await OnnxEmbedder.load(model, join(dir, "clip.json"));
      for (const [i, p] of images.entries()) {
        const [raw] = await enc.embedRaw([(await decodeOnce(p)).clip!]);
        let norm = 0;
        for (const v of raw!) norm += v * v;
        assert.ok(Math.abs(Math.sqrt(norm) - 1) > 1e-3, "the saved vector is raw, not unit");
        // One as float32, one as float16 (1, 512), one as float32 v2.
        const npy = writeNpyVector(
          raw!,
          [{}, { dtype: "<f2" as const, shape: "row" as const }, { version: 2 as const }][i]!,
        );
        await Deno.writeFile(join(ai, "embeddings", `${i}.npy`), npy);
        // Image 0 under an original-style path that no longer exists; 1 and 2 where they still are.
        const imagePath = i === 0
          ? `/Users/eriksjaastad/projects/Eros Mate/training data/mojo1/${p.split("/").at(-1)}`
          : p;
        lines.push(JSON.stringify({ image_path: imagePath, embedding_file: `${i}.npy`, hash: "" }));
      }
    }
    const index = join(ai, "cache", "processed_images.jsonl");
    await Deno.writeTextFile(index, lines.join("\n") + "\n");
    const imported = join(dir, "imported.sqlite");
    const s = await importEmbeddings(index, {
      cacheDb: imported,
      projectsDir: join(dir, "projects"),
    });
    assert.equal(s.imported, 3, JSON.stringify(s.rejected));
    assert.equal(s.with_image, 2);

    // keeper's way at decide time: the ONNX export through embed, into the clip block.
    const { embedded } = await embedWithBlocks(images, ["builtin", CLIP_BLOCK], {
      cacheDb: join(dir, "fresh.sqlite"),
      model: { path: model, config: join(dir, "clip.json") },
    });
    const viaOnnx = images.map((p) => embedded.byPath.get(p)!.blocks![CLIP_BLOCK]!);
    using cache = openFeatureCache(imported);
    const byIdentity = cache.getIdentityBlocks(
      images.map((p) => `mojo1/${p.split("/").at(-1)}`),
      CLIP_BLOCK_ID,
    );
    for (const [i, p] of images.entries()) {
      const v = byIdentity.get(`mojo1/${p.split("/").at(-1)}`)!;
      const c = cosine(viaOnnx[i]!, v);
      assert.ok(c >= 0.999, `image ${i}: cosine ${c}`);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5, "imported vectors are unit length");
    }
    // A later embed of an image that still exists reuses the imported vector (no encoder given).
    const { embedded: reused, extra } = await embedWithBlocks(images.slice(1), [
      "builtin",
      CLIP_BLOCK,
    ], { cacheDb: imported });
    assert.equal(extra.computed[CLIP_BLOCK], 2);
    for (const [k, p] of images.slice(1).entries()) {
      const c = cosine(reused.byPath.get(p)!.blocks![CLIP_BLOCK]!, viaOnnx[k + 1]!);
      assert.ok(c >= 0.999, `reused ${k}: cosine ${c}`);
    }
    // An image with no imported vector and no encoder gets no clip block (never zeros).
    const { extra: none } = await embedWithBlocks([images[0]!], ["builtin", CLIP_BLOCK], {
      cacheDb: imported,
    });
    assert.equal(none.failed[CLIP_BLOCK], 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
