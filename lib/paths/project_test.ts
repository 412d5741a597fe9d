import assert from "node:assert/strict";
import {
  buildProjectIndex,
  imageKey,
  loadProjectManifests,
  parseProjectManifest,
  parseProjectMap,
  ProjectResolver,
} from "./mod.ts";
import { lookupProject, projectKey } from "./project.ts";
import { projectsOfFilename } from "./image_key.ts";
import { stripRoots } from "./project_resolver.ts";

const REAL_PROJECTS = new URL("../../data/original/projects", import.meta.url).pathname;

function index(...ids: string[]) {
  return buildProjectIndex(ids.map((id) => parseProjectManifest({ projectId: id })));
}

Deno.test("projectKey() equates case and word order (Aiko_raw, Kiara_Slender)", () => {
  assert.equal(projectKey("Aiko_raw"), projectKey("aiko_raw"));
  assert.equal(projectKey("Kiara_Slender"), projectKey("slender_kiara"));
  assert.equal(projectKey("Slender Kiara"), projectKey("slender_kiara"));
  assert.notEqual(projectKey("agent-1001"), projectKey("agent-1002"));
});

Deno.test("loadProjectManifests() reads both manifest styles of the real projects", async () => {
  const manifests = await loadProjectManifests(REAL_PROJECTS);
  const ids = manifests.map((m) => m.id);
  assert.ok(ids.includes("mojo1") && ids.includes("aiko_raw") && ids.includes("slender_kiara"));
  assert.ok(!ids.includes("global_bans"));
  const slender = manifests.find((m) => m.id === "slender_kiara");
  assert.ok(slender?.aliases.includes("Slender Kiara"));
  const idx = buildProjectIndex(manifests);
  assert.deepEqual(lookupProject(idx, "Aiko_raw"), { kind: "found", project: "aiko_raw" });
  assert.deepEqual(lookupProject(idx, "Kiara_Slender"), {
    kind: "found",
    project: "slender_kiara",
  });
  assert.deepEqual(lookupProject(idx, "1101_Hailey"), { kind: "found", project: "1101_hailey" });
});

Deno.test("lookupProject() reports every candidate when an alias is shared", () => {
  const idx = buildProjectIndex([
    parseProjectManifest({ projectId: "kiara_a", aliases: ["kiara"] }),
    parseProjectManifest({ projectId: "kiara_b", aliases: ["Kiara"] }),
  ]);
  assert.deepEqual(lookupProject(idx, "KIARA"), {
    kind: "ambiguous",
    candidates: ["kiara_a", "kiara_b"],
  });
});

Deno.test("parseProjectManifest() rejects a manifest without projectId", () => {
  assert.throws(() => parseProjectManifest({ title: "x" }, "x.project.json"), /projectId/);
});

Deno.test("stripRoots() removes PROJECT_ROOT, the author's home prefix and training data/", () => {
  assert.equal(stripRoots("PROJECT_ROOT/training data/mojo1/a.png").rel, "mojo1/a.png");
  assert.equal(
    stripRoots("/Users/eriksjaastad/projects/Eros Mate/training data/Aiko_raw/a.png").rel,
    "Aiko_raw/a.png",
  );
  assert.equal(stripRoots("PROJECT_ROOT/mojo2/faces/a.png").rel, "mojo2/faces/a.png");
  assert.equal(stripRoots("crop/hannah/a.png").convention, false);
});

Deno.test("ProjectResolver.resolve() finds projects in <p>_final, <p>_raw and plain folders", () => {
  const r = new ProjectResolver({ index: index("mojo1", "mojo2", "eleni") });
  const fin = r.resolve(
    "PROJECT_ROOT/training data/mojo1_final/_young brunette curly/20250727_224840_stage1_generated.png",
  );
  assert.equal(fin.ref.project, "mojo1");
  assert.equal(fin.ref.dir, "mojo1_final/_young brunette curly");
  assert.equal(fin.ref.stage, 1);
  assert.equal(fin.via, "path");
  assert.equal(r.resolve("PROJECT_ROOT/mojo2/faces/a.png").ref.project, "mojo2");
  assert.equal(r.resolve("Eleni_raw/a_stage2_upscaled.png").ref.project, "eleni");
});

Deno.test("ProjectResolver.resolve() leaves a path with no project unresolved, never guessing", () => {
  const r = new ProjectResolver({ index: index("mojo1") });
  const res = r.resolve("crop/hannah/20250705_230713_stage3_enhanced.png");
  assert.equal(res.ref.project, null);
  assert.equal(res.via, null);
  assert.equal(res.ref.filename, "20250705_230713_stage3_enhanced.png");
  // A character folder that happens to share a project's name is not a project.
  const dalia = new ProjectResolver({ index: index("dalia") });
  assert.equal(dalia.resolve("crop/dalia/a.png").ref.project, null);
});

Deno.test("ProjectResolver.resolve() applies project-map rules in order, first match wins", () => {
  const map = parseProjectMap({
    rules: [
      { project: "x", path_glob: "crop/hannah/**" },
      { project: "y", session_id: "20251004_213737" },
      { project: "mojo1", session_from: "2025-10-01", session_to: "2025-10-11" },
      { project: "mojo2", session_from: "2025-10-12", session_to: "2025-10-20" },
    ],
  });
  const r = new ProjectResolver({ index: index("mojo1", "mojo2"), map });
  const at = (path: string, sessionId: string) => r.resolve(path, { sessionId }).ref.project;
  assert.equal(at("crop/hannah/a.png", "2025-10-16 15:02:35"), "x");
  assert.equal(at("crop/a.png", "20251004_213737"), "y");
  assert.equal(at("crop/a.png", "2025-10-08 14:46:56"), "mojo1");
  assert.equal(at("crop/a.png", "2025-10-16 15:02:35"), "mojo2");
  assert.equal(at("crop/a.png", "2025-10-21 10:00:00"), null);
  // The path's own project wins over a date rule.
  assert.equal(at("mojo2/a.png", "2025-10-08 14:46:56"), "mojo2");
  assert.equal(r.resolve("crop/a.png", { sessionId: "x" }).via, null);
});

Deno.test("ProjectResolver.resolve() uses a declared project column through aliases", () => {
  const r = new ProjectResolver({
    index: buildProjectIndex([parseProjectManifest({ projectId: "aiko_raw" })]),
  });
  const res = r.resolve("somewhere/a.png", { declared: "Aiko_raw" });
  assert.equal(res.ref.project, "aiko_raw");
  assert.equal(res.via, "declared");
});

Deno.test("ProjectResolver.resolve() matches absolute paths under a manifest's root", () => {
  const m = parseProjectManifest(
    { projectId: "sim_a", paths: { root: "../images" } },
    "/tmp/sim/manifests/sim_a.project.json",
  );
  assert.equal(m.absoluteRoot, "/tmp/sim/images");
  const r = new ProjectResolver({ index: buildProjectIndex([m]) });
  const res = r.resolve("/tmp/sim/images/raw/20250101_000000_stage2_upscaled.png");
  assert.equal(res.ref.project, "sim_a");
  assert.equal(res.via, "manifest_root");
  assert.equal(res.ref.dir, "images/raw");
});

Deno.test("ProjectResolver.resolve() reports candidates for an ambiguous folder", () => {
  const r = new ProjectResolver({
    index: buildProjectIndex([
      parseProjectManifest({ projectId: "kiara_a", aliases: ["kiara"] }),
      parseProjectManifest({ projectId: "kiara_b", aliases: ["kiara"] }),
    ]),
  });
  const res = r.resolve("kiara/a.png");
  assert.equal(res.ref.project, null);
  assert.deepEqual(res.candidates, ["kiara_a", "kiara_b"]);
});

Deno.test("imageKey() identifies an image by (project, filename) and lists ambiguous names", () => {
  assert.equal(imageKey({ project: "mojo1", filename: "a.png" }), "mojo1/a.png");
  assert.equal(imageKey({ project: null, filename: "a.png" }), null);
  const refs = [
    { project: "mojo2", filename: "a.png" },
    { project: "mojo1", filename: "a.png" },
    { project: "mojo1", filename: "b.png" },
  ];
  assert.deepEqual(projectsOfFilename("x/a.png", refs), ["mojo1", "mojo2"]);
  assert.deepEqual(projectsOfFilename("b.png", refs), ["mojo1"]);
});
