import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readRaw } from "../image/mod.ts";
import { handBoxes, HandtrackOrt } from "./_handtrack.ts";

const modules = fileURLToPath(new URL("../../node_modules/", import.meta.url));
const modelJson = modules + "@vladmandic/human/models/handtrack.json";
const opts = { sanitizeOps: false, sanitizeResources: false };

/** Anchors as `[ymin, xmin, ymax, xmax]` and 8 score columns (background first). */
function anchors(rows: [number[], number[]][]): [Float32Array, Float32Array] {
  return [
    Float32Array.from(rows.flatMap((r) => r[0])),
    Float32Array.from(rows.flatMap((r) => r[1])),
  ];
}

Deno.test("handBoxes() keeps the best non-face anchors, suppresses overlaps and grows boxes ×1.4", () => {
  const [boxes, scores] = anchors([
    [[0.4, 0.4, 0.6, 0.6], [0, 0.9, 0, 0, 0, 0, 0, 0]], // hand 0.9
    [[0.41, 0.41, 0.61, 0.61], [0, 0, 0.8, 0, 0, 0, 0, 0]], // fist, overlaps the first
    [[0.1, 0.1, 0.2, 0.2], [0, 0, 0, 0, 0, 0.99, 0, 0]], // "face": ignored
    [[0.7, 0.0, 0.9, 0.2], [0, 0, 0, 0.6, 0, 0, 0, 0]], // point 0.6
    [[0.0, 0.7, 0.1, 0.8], [0, 0.5, 0, 0, 0, 0, 0, 0]], // exactly the floor: dropped
  ]);
  const got = handBoxes(boxes, scores, 8, { maxHands: 4, minScore: 0.5 });
  assert.deepEqual(got.map((h) => h.score), [0.9, 0.6]);
  const [x1, y1, x2, y2] = got[0]!.box;
  assert.ok(Math.abs(x1 - 0.36) < 1e-6 && Math.abs(y1 - 0.36) < 1e-6, `${got[0]!.box}`);
  assert.ok(Math.abs(x2 - 0.64) < 1e-6 && Math.abs(y2 - 0.64) < 1e-6, `${got[0]!.box}`);
  // Box [ymin 0.7, xmin 0, ymax 0.9, xmax 0.2] grows past the left edge and is clamped.
  assert.deepEqual(got[1]!.box.map((v) => Math.round(v * 100) / 100), [0, 0.66, 0.24, 0.94]);
  assert.equal(handBoxes(boxes, scores, 8, { maxHands: 1, minScore: 0.5 }).length, 1);
});

Deno.test("HandtrackOrt matches the tfjs HandTrack graph Human runs", opts, async () => {
  const cacheDir = await Deno.makeTempDir();
  try {
    const ort = await HandtrackOrt.load(modelJson, cacheDir);
    assert.equal(ort.info.converted, true);
    const raw = await readRaw(new URL("./testdata/coffee.jpg", import.meta.url).pathname, {
      channels: 3,
      resize: { width: 1024, height: 1024, fit: "fill" },
    });
    const pixels = Float32Array.from(raw.data);
    const got = await ort.run(pixels, raw.width, raw.height, { maxHands: 4, minScore: 0.1 });
    await ort.dispose();

    // What Human does: resize to ≤512 px, cast to int32, run the graph (tfjs), same NMS.
    const require = createRequire(modules + "@vladmandic/human/package.json");
    const { Human } = require(modules + "@vladmandic/human/dist/human.node-wasm.js");
    const human = new Human({
      backend: "wasm",
      wasmPath: modules + "@tensorflow/tfjs-backend-wasm/dist/",
      debug: false,
    });
    await human.init();
    const tf = human.tf;
    const graph = await require("@tensorflow/tfjs-converter").loadGraphModel(
      pathToFileURL(modelJson).href,
    );
    const x = tf.cast(
      tf.image.resizeBilinear(tf.tensor4d(pixels, [1, raw.height, raw.width, 3]), [512, 512]),
      "int32",
    );
    const [sc, bx] = await graph.executeAsync(x, [
      "StatefulPartitionedCall/Postprocessor/Slice",
      "StatefulPartitionedCall/Postprocessor/ExpandDims_1",
    ]);
    // Human's scores lack the background column: put a zero column back for handBoxes().
    const seven = await sc.data() as Float32Array;
    const eight = new Float32Array((seven.length / 7) * 8);
    for (let i = 0; i < seven.length / 7; i++) {
      eight.set(seven.subarray(7 * i, 7 * i + 7), 8 * i + 1);
    }
    const want = handBoxes(await bx.data() as Float32Array, eight, 8, {
      maxHands: 4,
      minScore: 0.1,
    });
    assert.ok(want.length > 0, "tfjs finds a candidate at score 0.1");
    assert.equal(got.length, want.length);
    got.forEach((h, i) => {
      assert.ok(Math.abs(h.score - want[i]!.score) <= 0.01, `hand ${i} score`);
      h.box.forEach((v, k) => assert.ok(Math.abs(v - want[i]!.box[k]!) < 1e-3, `hand ${i} box`));
    });
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
