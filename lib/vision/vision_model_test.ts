import assert from "node:assert/strict";
import { readRaw } from "../image/mod.ts";
import { VisionModel } from "./mod.ts";
import { visionBlock } from "./vision_block.ts";
import { visionReasons } from "./vision_delta.ts";
import type { VisionResult } from "./_types.ts";

const data = (name: string): string => new URL(`./testdata/${name}`, import.meta.url).pathname;
const opts = { sanitizeOps: false, sanitizeResources: false };
// The converted CenterNet goes to a temp folder, not node_modules/.cache (removed at exit).
const onnxCacheDir = Deno.makeTempDirSync();
globalThis.addEventListener("unload", () => Deno.removeSync(onnxCacheDir, { recursive: true }));

// Load the models once for the whole file and analyse each photo once.
let cached: Map<string, VisionResult> | undefined;
async function results(): Promise<Map<string, VisionResult>> {
  if (cached) return cached;
  const model = await VisionModel.load({ onnxCacheDir });
  cached = new Map();
  for (const name of ["astronaut", "grace_hopper", "chelsea", "coffee"]) {
    const raw = await readRaw(data(`${name}.jpg`), { channels: 3 });
    cached.set(name, await model.analyze(raw, { embedding: true }));
  }
  return cached;
}

function inside(inner: number[], outer: number[]): boolean {
  const [a, b, c, d] = inner as [number, number, number, number];
  const [p, q, r, s] = outer as [number, number, number, number];
  return a >= p && b >= q && c <= r && d <= s;
}

Deno.test(
  "VisionModel.analyze() finds exactly one face, inside the person, on real portraits",
  opts,
  async () => {
    const all = await results();
    for (const name of ["astronaut", "grace_hopper"]) {
      const r = all.get(name)!;
      assert.equal(r.faces.length, 1, `${name}: faces ${JSON.stringify(r.faces)}`);
      const subject = r.subject;
      assert(subject, `${name}: no subject`);
      assert(inside(r.faces[0]!.box, subject), `${name}: face outside subject`);
      assert(
        r.persons.length >= 1 && inside(
          r.faces[0]!.box,
          r.persons[0]!.box.map((v, i) => i < 2 ? v - 0.02 : v + 0.02),
        ),
        `${name}: face outside the person box`,
      );
      assert(r.bodies[0]!.keypoints.some((k) => k.part === "leftShoulder"), `${name}: no shoulder`);
    }
  },
);

Deno.test("VisionModel.analyze() finds no person on a cat or a coffee cup", opts, async () => {
  const all = await results();
  for (const name of ["chelsea", "coffee"]) {
    const r = all.get(name)!;
    assert.equal(r.subject, null, `${name}: ${JSON.stringify(r)}`);
    assert.equal(r.faces.length, 0, name);
  }
  // …but CenterNet still names the non-person subject, which the crop block carries.
  assert.ok(["cat", "dog"].includes(all.get("chelsea")!.objects[0]?.label ?? ""));
  assert.ok(all.get("coffee")!.objects.some((o) => o.label === "cup"));
});

Deno.test(
  "VisionModel.analyze() returns a 720-d unit embedding that tells photos apart",
  opts,
  async () => {
    const all = await results();
    const a = all.get("astronaut")!.embedding!;
    const c = all.get("chelsea")!.embedding!;
    assert.equal(a.length, 720);
    const dot = (x: Float32Array, y: Float32Array): number =>
      x.reduce((s, v, i) => s + v * y[i]!, 0);
    assert(Math.abs(dot(a, a) - 1) < 1e-4);
    assert(dot(a, c) < 0.99, `cosine ${dot(a, c)}`);
  },
);

Deno.test(
  "VisionModel.analyze() gives the same answers when called concurrently",
  opts,
  async () => {
    const all = await results();
    const model = await VisionModel.load({ onnxCacheDir });
    const names = ["astronaut", "chelsea", "grace_hopper"];
    const raws = await Promise.all(names.map((n) => readRaw(data(`${n}.jpg`), { channels: 3 })));
    const got = await Promise.all(raws.map((r) => model.analyze(r)));
    names.forEach((n, i) => {
      assert.deepEqual(got[i]!.faces, all.get(n)!.faces, n);
      assert.deepEqual(got[i]!.subject, all.get(n)!.subject, n);
    });
  },
);

Deno.test(
  "a smeared face vanishes and visionReasons() cites it (failed face swap signal)",
  opts,
  async () => {
    const all = await results();
    const before = all.get("astronaut")!;
    const raw = await readRaw(data("astronaut.jpg"), { channels: 3 });
    const [x0, y0, x1, y1] = before.faces[0]!.box.map((v, i) =>
      Math.round(v * (i % 2 ? raw.height : raw.width))
    ) as [number, number, number, number];
    // Box blur (radius 8 px) over the face box only, like a smeared face-swap patch.
    const out = raw.data.slice();
    const at = (x: number, y: number, k: number): number => {
      const cx = Math.min(raw.width - 1, Math.max(0, x));
      const cy = Math.min(raw.height - 1, Math.max(0, y));
      return raw.data[(cy * raw.width + cx) * 3 + k]!;
    };
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        for (let k = 0; k < 3; k++) {
          let sum = 0;
          for (let dy = -8; dy <= 8; dy += 2) {
            for (let dx = -8; dx <= 8; dx += 2) {
              sum += at(x + dx, y + dy, k);
            }
          }
          out[(y * raw.width + x) * 3 + k] = sum / 81;
        }
      }
    }
    const model = await VisionModel.load({ onnxCacheDir });
    const after = await model.analyze({ ...raw, data: out });
    assert.ok(after.faces.length === 0 || after.faces[0]!.score < before.faces[0]!.score - 0.2);
    const reasons = visionReasons([visionBlock(before), visionBlock(after)], [
      "stage 1",
      "stage 2",
    ]);
    assert.match(reasons[1]![0] ?? "", /^stage 2: face (vanished|confidence fell)/);
  },
);

Deno.test("VisionModel.load() names the npm package to install when a model file is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => VisionModel.load({ modulesDir: dir }),
      /Cannot load vision models: .*human\.node-wasm\.js" is missing; install the npm package "@vladmandic\/human"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("VisionModel runs with the network permission denied", opts, async () => {
  const probe = new URL("./testdata/analyze_probe.ts", import.meta.url).pathname;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--deny-net",
      "--allow-read",
      "--allow-env",
      "--allow-sys",
      "--allow-ffi",
      "--config",
      config,
      probe,
      data("grace_hopper.jpg"),
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  const summary = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  assert.equal(summary.faces, 1);
  assert.equal(summary.embedding, 720);
});
