import assert from "node:assert/strict";
import { coverageErrors } from "../eval/mod.ts";
import type { ExtractReport } from "./mod.ts";
import { extractCoverage } from "./extract_coverage.ts";

function report(over: Partial<ExtractReport>): ExtractReport {
  return {
    project: "mojo1",
    raw: "/c/mojo1_raw",
    final: "/c/mojo1_final",
    raw_images: 12,
    final_images: 4,
    groups: 4,
    singletons: 0,
    chosen_by_name: 2,
    chosen_by_content: 1,
    all_rejected: 0,
    ambiguous: 0,
    crops: { full_frame: 1, recovered: 1, low_score: 1, failed: 0 },
    failures: {},
    unmatched_finals: ["/c/mojo1_final/hannah/renamed_0001.jpg"],
    resumed: 0,
    seconds: 1,
    outputs: null,
    ...over,
  };
}

Deno.test("extractCoverage() counts delivered images found in the raw folder and names the unmatched", () => {
  const c = extractCoverage(report({}));
  assert.equal(c.kinds.extraction?.labels, 4);
  assert.equal(c.kinds.extraction?.found, 3);
  assert.equal(c.kinds.extraction?.missing, 1);
  assert.deepEqual(c.kinds.extraction?.examples[0], {
    path: "/c/mojo1_final/hannah/renamed_0001.jpg",
    identity: "mojo1/renamed_0001.jpg",
    source: "/c/mojo1_final",
    looked: "/c/mojo1_raw (by name, then by content)",
    why: "missing",
  });
  assert.deepEqual(c.kinds.crop?.by_project["mojo1"], {
    labels: 3,
    found: 2,
    missing: 1,
    conflicts: 0,
    no_features: 0,
    usable: 2,
  });
  assert.deepEqual(coverageErrors(c, { command: "extract" }), []);
});

Deno.test("extractCoverage() with nothing matched is an extract error", () => {
  const c = extractCoverage(report({
    chosen_by_name: 0,
    chosen_by_content: 0,
    crops: { full_frame: 0, recovered: 0, low_score: 0, failed: 0 },
    unmatched_finals: ["/c/a.png", "/c/b.png", "/c/c.png", "/c/d.png"],
  }));
  const errors = coverageErrors(c, { command: "extract" });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /^Cannot extract: 0 of 4 extraction labels usable/);
});
