import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { cosine, openFeatureCache } from "../embed/mod.ts";
import { CLIP_BLOCK_ID } from "./clip_block.ts";
import { importEmbeddings } from "./import_embeddings.ts";
import { writeNpyVector } from "./npy.ts";

const ROOT = "/Users/eriksjaastad/projects/Eros Mate";

function vec(seed: number, scale = 7): Float32Array {
  const v = new Float32Array(512);
  for (let i = 0; i < 512; i++) v[i] = Math.sin(seed * 13.7 + i * 0.37) * scale;
  return v;
}

/** An original-style cache: `data/ai_data/{cache/processed_images.jsonl, embeddings/*.npy}`. */
async function fixture() {
  const dir = await Deno.makeTempDir({ prefix: "keeper_import_" });
  const ai = join(dir, "data", "ai_data");
  await Deno.mkdir(join(ai, "cache"), { recursive: true });
  await Deno.mkdir(join(ai, "embeddings"));
  await Deno.mkdir(join(dir, "projects"));
  for (const id of ["mojo1", "mojo2"]) {
    await Deno.writeTextFile(
      join(dir, "projects", `${id}.project.json`),
      JSON.stringify({ schemaVersion: 1, projectId: id }),
    );
  }
  // One image still on disk (absolute path, as the original logged it).
  const kept = join(dir, "training data", "mojo2", "20250801_000002_stage2_upscaled.png");
  await Deno.mkdir(join(dir, "training data", "mojo2"), { recursive: true });
  await Deno.writeFile(kept, new Uint8Array([1, 2, 3, 4]));
  const lines: string[] = [];
  const add = (imagePath: string, name: string, bytes: Uint8Array | null) => {
    if (bytes) Deno.writeFileSync(join(ai, "embeddings", name), bytes);
    lines.push(JSON.stringify({ image_path: imagePath, embedding_file: name, hash: "x" }));
  };
  add(
    `${ROOT}/training data/mojo1/20250801_000001_stage1_generated.png`,
    "a.npy",
    writeNpyVector(vec(1)),
  );
  add(kept, "b.npy", writeNpyVector(vec(2), { dtype: "<f2", shape: "row", version: 3 }));
  add(`mojo2/_mixed/20250801_000003_stage1.5_face_swapped.png`, "c.npy", writeNpyVector(vec(3)));
  lines.push("{not json");
  lines.push(JSON.stringify({ image_path: `${ROOT}/training data/mojo1/z.png` }));
  add(`${ROOT}/elsewhere/20250801_000004_stage1_generated.png`, "d.npy", writeNpyVector(vec(4)));
  add(`${ROOT}/training data/mojo1/20250801_000005_stage2_upscaled.png`, "missing.npy", null);
  const f8 = Deno.readFileSync(new URL("./testdata/bad_f8.npy", import.meta.url));
  add(`${ROOT}/training data/mojo1/20250801_000006_stage2_upscaled.png`, "f.npy", f8);
  // The same image under the other spelling of its folder: a duplicate identity.
  add(`PROJECT_ROOT/mojo1/20250801_000001_stage1_generated.png`, "a2.npy", writeNpyVector(vec(9)));
  add(
    `${ROOT}/training data/mojo1/20250801_000007_stage3_enhanced.png`,
    "zero.npy",
    writeNpyVector(new Float32Array(512)),
  );
  lines.push("");
  const index = join(ai, "cache", "processed_images.jsonl");
  await Deno.writeTextFile(index, lines.join("\n") + "\n");
  return { dir, index, kept, cacheDb: join(dir, "features.sqlite") };
}

Deno.test("importEmbeddings() stores normalised vectors by identity and counts every line", async () => {
  const f = await fixture();
  try {
    const s = await importEmbeddings(f.index, {
      cacheDb: f.cacheDb,
      projectsDir: join(f.dir, "projects"),
    });
    assert.equal(s.lines, 10);
    assert.equal(s.imported, 3);
    assert.deepEqual(s.by_project, { mojo1: 1, mojo2: 2 });
    assert.equal(s.duplicates, 1);
    assert.deepEqual(s.rejected, {
      bad_json: 1,
      missing_embedding_file: 1,
      unresolved_project: 1,
      npy_not_found: 1,
      npy_dtype: 1,
      zero_vector: 1,
    });
    assert.equal(s.with_image, 1);
    assert.equal(s.embeddings_dir, join(f.dir, "data", "ai_data", "embeddings"));
    // Every unusable line (and the duplicate) is in the rejections file with its line.
    const rows = (await Deno.readTextFile(s.rejections_file)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    assert.deepEqual(
      rows.map((r) => [r.line, r.reason]),
      [
        [4, "bad_json"],
        [5, "missing_embedding_file"],
        [6, "unresolved_project"],
        [
          7,
          "npy_not_found",
        ],
        [8, "npy_dtype"],
        [9, "duplicate"],
        [10, "zero_vector"],
      ],
    );
    assert.equal(rows[5].first_line, 1);
    using cache = openFeatureCache(f.cacheDb);
    const got = cache.getIdentityBlocks([
      "mojo1/20250801_000001_stage1_generated.png",
      "mojo2/20250801_000002_stage2_upscaled.png",
      "mojo2/20250801_000003_stage1.5_face_swapped.png",
    ], CLIP_BLOCK_ID);
    assert.equal(got.size, 3);
    const a = got.get("mojo1/20250801_000001_stage1_generated.png")!;
    let norm = 0;
    for (const x of a) norm += x * x;
    assert.ok(Math.abs(norm - 1) < 1e-5, `norm² ${norm}`);
    // The first line wins over the duplicate, and direction is kept.
    assert.ok(cosine(a, vec(1)) > 0.99999);
    assert.ok(cosine(got.get("mojo2/20250801_000002_stage2_upscaled.png")!, vec(2)) > 0.999);
    // The image that still exists is found by its content hash too.
    const sha = createHash("sha256").update(new Uint8Array([1, 2, 3, 4])).digest("hex");
    const bySha = cache.getBlocks([sha], { clip: CLIP_BLOCK_ID }).get(sha)?.clip;
    assert.ok(bySha && cosine(bySha, vec(2)) > 0.999);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("importEmbeddings() reads an --embeddings-dir and a project map like ingest", async () => {
  const f = await fixture();
  try {
    const other = join(f.dir, "moved");
    await Deno.rename(join(f.dir, "data", "ai_data", "embeddings"), other);
    const map = join(f.dir, "map.json");
    await Deno.writeTextFile(
      map,
      JSON.stringify({ rules: [{ project: "mojo3", path_glob: "**/elsewhere/*" }], aliases: {} }),
    );
    const s = await importEmbeddings(f.index, {
      cacheDb: f.cacheDb,
      embeddingsDir: other,
      projectsDir: join(f.dir, "projects"),
      projectMap: map,
    });
    assert.equal(s.imported, 4);
    assert.equal(s.by_project["mojo3"], 1);
    assert.equal(s.rejected["unresolved_project"], undefined);
  } finally {
    await Deno.remove(f.dir, { recursive: true });
  }
});

Deno.test("importEmbeddings() names the index when it cannot be read", async () => {
  await assert.rejects(
    () => importEmbeddings("/nonexistent/processed_images.jsonl", { cacheDb: ":memory:" }),
    /index "\/nonexistent\/processed_images.jsonl" is not a readable file/,
  );
});
