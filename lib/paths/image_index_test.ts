import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { buildImageIndex, imageIdentity, parseProjectManifest } from "./mod.ts";
import { projectOfImagePath } from "./image_index.ts";
import { buildProjectIndex } from "./mod.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "keeper_index_" });
  for (const [rel, text] of Object.entries(files)) {
    const p = `${dir}/${rel}`;
    await Deno.mkdir(p.slice(0, p.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(p, text);
  }
  return dir;
}

Deno.test("imageIdentity() is project + base name, whatever folder is named", () => {
  assert.equal(imageIdentity("mojo1", "crop/hannah/a.png"), "mojo1/a.png");
  assert.equal(imageIdentity("mojo1", "/Users/x/projects/Studio/mojo1/a.png"), "mojo1/a.png");
  assert.equal(imageIdentity("mojo1", "a.png"), "mojo1/a.png");
});

Deno.test("buildImageIndex() finds a file by (project, name) in <p>, <p>_final/<character> and apply folders", async () => {
  const dir = await tree({
    "images/mojo1/a_stage1_generated.png": "a",
    "images/mojo1/a_stage1_generated.yaml": "companion, not an image",
    "images/mojo1_final/_young brunette/b_stage2_upscaled.png": "b",
    "sandbox/__selected/mojo2/hannah/c_stage3_enhanced.png": "c",
    "images/crop/hannah/orphan.png": "o",
  });
  try {
    const index = await buildImageIndex([`${dir}/images`, `${dir}/sandbox`], {
      projects: ["mojo1", "mojo2"],
    });
    assert.equal(index.files, 4);
    assert.deepEqual(index.lookup("mojo1", "crop/hannah/a_stage1_generated.png"), {
      kind: "found",
      path: `${dir}/images/mojo1/a_stage1_generated.png`,
      via: "identity",
    });
    const b = index.lookup("mojo1", "/Users/x/projects/Studio/mojo1/b_stage2_upscaled.png");
    assert.equal(
      b.kind === "found" && b.path,
      `${dir}/images/mojo1_final/_young brunette/b_stage2_upscaled.png`,
    );
    assert.equal(index.lookup("mojo2", "c_stage3_enhanced.png").kind, "found");
    // The same name in another project is another image.
    assert.deepEqual(index.lookup("mojo2", "a_stage1_generated.png"), { kind: "missing" });
    // A file no folder attributes to a project is counted, not guessed.
    assert.equal(index.unresolved.count, 1);
    assert.deepEqual(index.lookup("mojo1", "orphan.png"), { kind: "missing" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildImageIndex() reports two different files with one identity, keeps identical copies once", async () => {
  const dir = await tree({
    "r1/mojo1/a.png": "one",
    "r2/mojo1/hannah/a.png": "two",
    "r1/mojo1/b.png": "same",
    "r2/mojo1_final/kelly/b.png": "same",
  });
  try {
    const index = await buildImageIndex([`${dir}/r1`, `${dir}/r2`], { projects: ["mojo1"] });
    assert.deepEqual(index.conflicts, [{
      identity: "mojo1/a.png",
      paths: [`${dir}/r1/mojo1/a.png`, `${dir}/r2/mojo1/hannah/a.png`],
    }]);
    assert.equal(index.lookup("mojo1", "a.png").kind, "conflict");
    // Known bytes (a decision's sha256) pick the one file that has them.
    const two = createHash("sha256").update("two").digest("hex");
    assert.deepEqual(index.lookup("mojo1", "a.png", { sha256: two }), {
      kind: "found",
      path: `${dir}/r2/mojo1/hannah/a.png`,
      via: "content",
    });
    assert.equal(index.duplicates, 1);
    assert.equal(index.lookup("mojo1", "b.png").kind, "found");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildImageIndex() takes the original over its delivered (cropped) copy in <project>_final, and lists the copy", async () => {
  const dir = await tree({
    "mojo1_raw/a.png": "original",
    "mojo1_final/hannah/a.png": "cropped",
    "mojo1_final/hannah/b.png": "cropped b",
    "mojo1_final/kelly/b.png": "other b",
  });
  try {
    const index = await buildImageIndex([dir], { projects: ["mojo1"] });
    assert.deepEqual(index.lookup("mojo1", "a.png"), {
      kind: "found",
      path: `${dir}/mojo1_raw/a.png`,
      via: "identity",
    });
    assert.deepEqual(index.delivered, [{
      identity: "mojo1/a.png",
      original: `${dir}/mojo1_raw/a.png`,
      copies: [`${dir}/mojo1_final/hannah/a.png`],
    }]);
    // Two delivered files and no original: nothing to prefer, a conflict.
    assert.equal(index.lookup("mojo1", "b.png").kind, "conflict");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("buildImageIndex() takes apply's uncropped original over its crop in __cropped/<project>/<character>/", async () => {
  const dir = await tree({
    "sandbox/__uncropped/mojo1/hannah/a.png": "original",
    "sandbox/__cropped/mojo1/hannah/a.png": "cropped",
  });
  try {
    const index = await buildImageIndex([`${dir}/sandbox`], { projects: ["mojo1"] });
    assert.deepEqual(index.lookup("mojo1", "a.png"), {
      kind: "found",
      path: `${dir}/sandbox/__uncropped/mojo1/hannah/a.png`,
      via: "identity",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ImageIndex.lookup() accepts a project-less file only when its bytes match the known sha256", async () => {
  const dir = await tree({
    "sandbox/__cropped/x.png": "pixels",
    "sandbox/__cropped/y.png": "other",
  });
  try {
    const index = await buildImageIndex([`${dir}/sandbox`], { projects: ["mojo1"] });
    const sha = createHash("sha256").update("pixels").digest("hex");
    assert.equal(index.lookup("mojo1", "x.png", { sha256: sha }).kind, "found");
    assert.equal(index.lookup("mojo1", "y.png", { sha256: sha }).kind, "missing");
    assert.equal(index.lookup("mojo1", "x.png").kind, "missing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("projectOfImagePath() uses manifest aliases and the folder convention without projects", () => {
  const idx = buildProjectIndex([
    parseProjectManifest({ projectId: "slender_kiara", title: "Slender Kiara" }),
  ]);
  assert.equal(projectOfImagePath("/r", "/r/Kiara_Slender/a.png", idx).project, "slender_kiara");
  assert.equal(projectOfImagePath("/r", "/r/other/a.png", idx).project, null);
  const none = buildProjectIndex([]);
  assert.equal(projectOfImagePath("/r", "/r/mojo3_final/hannah/a.png", none).project, "mojo3");
  assert.equal(projectOfImagePath("/x/mojo4", "/x/mojo4/a.png", none).project, "mojo4");
});

Deno.test("buildImageIndex() names a root that is not a folder", async () => {
  await assert.rejects(
    buildImageIndex(["/nonexistent/keeper/images"]),
    /Cannot index images: root "\/nonexistent\/keeper\/images" is not a readable folder/,
  );
});
