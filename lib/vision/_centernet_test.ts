import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { readRaw } from "../image/mod.ts";
import { CenternetOrt, decodeRows } from "./_centernet.ts";
import { CENTERNET_CLASSES, CENTERNET_GRID } from "./_centernet_onnx.ts";

const modules = fileURLToPath(new URL("../../node_modules/", import.meta.url));
const modelJson = modules + "@vladmandic/human/models/centernet.json";
const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test("decodeRows() keeps the best peaks above the floor and boxes them as cell × stride ∓ wh", () => {
  const G = CENTERNET_GRID;
  const plane = G * G;
  const peaks = new Float32Array(CENTERNET_CLASSES * plane);
  const wh = new Float32Array(4 * plane);
  // Seeded scatter of 150 peaks above the floor, plus one below it.
  let seed = 7;
  const rand = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const cells = new Set<number>();
  while (cells.size < 150) cells.add(Math.floor(rand() * plane));
  for (const cell of cells) peaks[(cell % CENTERNET_CLASSES) * plane + cell] = 0.3 + 0.6 * rand();
  peaks[5 * plane + 3] = 0.1;
  const cell = 2 * G + 9; // x 9, y 2
  peaks[cell] = 0.95; // class 0, the best
  for (let k = 0; k < 4; k++) wh[k * plane + cell] = k + 1;
  const rows = decodeRows(peaks, wh, [4, 4, 4, 4], 0.2);
  assert.equal(rows.length, 100);
  assert.deepEqual(rows[0], [9 * 4 - 1, 2 * 4 - 2, 9 * 4 + 3, 2 * 4 + 4, peaks[cell]!, 0]);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i]![4] <= rows[i - 1]![4]);
  assert.ok(rows.every((r) => r[4] >= 0.3));
  assert.equal(decodeRows(peaks, wh, [4, 4, 4, 4], 0.99).length, 0);
});

Deno.test("CenternetOrt matches the tfjs CenterNet graph it was converted from", opts, async () => {
  const cacheDir = await Deno.makeTempDir();
  try {
    const ort = await CenternetOrt.load(modelJson, cacheDir);
    assert.equal(ort.info.converted, true);
    assert.ok((await Deno.stat(ort.info.cached!)).size > 1e6);
    const again = await CenternetOrt.load(modelJson, cacheDir);
    assert.equal(again.info.converted, false, "second load reads the cached .onnx");
    await again.dispose();

    // Not 512²: the converted graph resizes inside, like tf.image.resizeBilinear.
    const raw = await readRaw(new URL("./testdata/astronaut.jpg", import.meta.url).pathname, {
      channels: 3,
      resize: { width: 640, height: 720, fit: "fill" },
    });
    const pixels = Float32Array.from(raw.data);
    const got = await ort.run(pixels, raw.width, raw.height, 0.2);
    await ort.dispose();

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
    const x = tf.image.resizeBilinear(tf.tensor4d(pixels, [1, raw.height, raw.width, 3]), [
      512,
      512,
    ]);
    const [det, pool] = graph.execute(x, [
      "tower_0/detections",
      "tower_0/MobilenetV3/expanded_conv_14/squeeze_excite/Mean",
    ]);
    const want = ((await det.array())[0] as number[][]).filter((r) => r[4]! >= 0.2);
    const wantPool = await pool.data() as Float32Array;
    assert.ok(want.length > 0);
    assert.equal(got.rows.length, want.length);
    got.rows.forEach((r, i) => {
      assert.equal(r[5], want[i]![5], `row ${i} class`);
      r.forEach((v, k) => assert.ok(Math.abs(v - want[i]![k]!) < 0.05, `row ${i}[${k}]: ${v}`));
    });
    assert.equal(got.embedding.length, wantPool.length);
    got.embedding.forEach((v, i) => assert.ok(Math.abs(v - wantPool[i]!) < 1e-4, `pool ${i}`));
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
