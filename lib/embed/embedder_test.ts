import assert from "node:assert/strict";
import { join } from "node:path";
import { synthImage } from "../../tests/fixtures/synth_image.ts";
import { OnnxEmbedder } from "./embedder.ts";
import { CLIP_DEFAULTS, parseEncoderConfig } from "./encoder_config.ts";
import { makeTestEncoder } from "../../tests/fixtures/make_test_encoder.ts";

Deno.test("OnnxEmbedder.embed() returns unit vectors independent of batching", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { bytes, config } = makeTestEncoder({ seed: 9, inputSize: 16, dim: 8 });
    const model = join(dir, "m.onnx");
    await Deno.writeFile(model, bytes);
    const squares = [1, 2, 3, 4, 5].map((seed) => synthImage(16, 16, { seed }));
    await using batched = await OnnxEmbedder.load(model, { ...config, max_batch: 2 });
    await using single = await OnnxEmbedder.load(model, { ...config, max_batch: 1 });
    const a = await batched.embed(squares);
    const b = await single.embed(squares);
    assert.equal(a.length, 5);
    // max_batch is part of the config, hence of the identity.
    assert.match(batched.id, /^onnx-[0-9a-f]{24}$/);
    assert.notEqual(batched.id, single.id);
    for (let i = 0; i < 5; i++) {
      assert.equal(a[i]!.length, 8);
      assert.ok(Math.abs(Math.hypot(...a[i]!) - 1) < 1e-5);
      for (let k = 0; k < 8; k++) assert.ok(Math.abs(a[i]![k]! - b[i]![k]!) < 1e-5);
    }
    assert.ok(a[0]!.some((v, k) => Math.abs(v - a[1]![k]!) > 1e-3), "different images differ");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("OnnxEmbedder.load() names the model's tensors when the config's do not match", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { bytes, config } = makeTestEncoder({ inputSize: 16, dim: 8 });
    const model = join(dir, "m.onnx");
    await Deno.writeFile(model, bytes);
    await assert.rejects(
      () => OnnxEmbedder.load(model, { ...config, input_name: "pixel_values" }),
      (e: Error) => e instanceof TypeError && e.message.includes("has: image"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseEncoderConfig() fills CLIP defaults and rejects unknown or bad keys", () => {
  const c = parseEncoderConfig({ input_name: "pixel_values" }, "inline");
  assert.equal(c.input_name, "pixel_values");
  assert.deepEqual(c.mean, CLIP_DEFAULTS.mean);
  assert.throws(() => parseEncoderConfig({ means: [1, 2, 3] }, "x.json"), /unknown key "means"/);
  assert.throws(() => parseEncoderConfig({ std: [1, 0, 1] }, "x.json"), /"std"/);
  assert.throws(() => parseEncoderConfig([], "x.json"), TypeError);
});
