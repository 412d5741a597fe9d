/**
 * Subprocess probe for vision_model_test.ts: analyses one image and prints a JSON summary.
 * Run with the network permission denied to prove the models load from disk only.
 *
 * @module
 */
import { readRaw } from "../../image/mod.ts";
import { VisionModel } from "../mod.ts";

const path = Deno.args[0] ?? new URL("./astronaut.jpg", import.meta.url).pathname;
await using model = await VisionModel.load();
const result = await model.analyze(await readRaw(path, { channels: 3 }), { embedding: true });
console.log(JSON.stringify({
  faces: result.faces.length,
  subject: result.subject,
  embedding: result.embedding?.length ?? 0,
}));
