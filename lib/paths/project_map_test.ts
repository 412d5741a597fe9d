import assert from "node:assert/strict";
import { parseProjectMap, sessionDate } from "./mod.ts";
import { globToRegExp, matchProjectMap } from "./project_map.ts";

Deno.test("sessionDate() reads local, compact and ISO session ids, null otherwise", () => {
  assert.equal(sessionDate("2025-10-08 14:46:56"), "2025-10-08");
  assert.equal(sessionDate("20251004_213737"), "2025-10-04");
  assert.equal(sessionDate("2025-10-05T03:25:40Z"), "2025-10-05");
  assert.equal(sessionDate("mojo1_extraction"), null);
  assert.equal(sessionDate("20251399_000000"), null);
});

Deno.test("globToRegExp() keeps * inside one folder and lets ** span folders", () => {
  assert.ok(globToRegExp("crop/hannah/**").test("crop/hannah/a/b.png"));
  assert.ok(globToRegExp("crop/*.png").test("crop/a.png"));
  assert.ok(!globToRegExp("crop/*.png").test("crop/x/a.png"));
  assert.ok(globToRegExp("**/faces/*").test("PROJECT_ROOT/mojo2/faces/a.png"));
  assert.ok(!globToRegExp("a?c").test("a/c"));
});

Deno.test("parseProjectMap() rejects unknown keys, bad dates and rules without a condition", () => {
  assert.throws(
    () => parseProjectMap({ rules: [{ project: "a", sesion_id: "x" }] }),
    /unknown key/,
  );
  assert.throws(
    () => parseProjectMap({ rules: [{ project: "a", session_from: "10/01" }] }),
    /YYYY/,
  );
  assert.throws(() => parseProjectMap({ rules: [{ project: "a" }] }), /no condition/);
  assert.throws(() => parseProjectMap({}), /rules/);
});

Deno.test("matchProjectMap() needs every condition of a rule to hold", () => {
  const map = parseProjectMap({
    rules: [{ project: "a", path_glob: "crop/**", session_from: "2025-10-12" }, {
      project: "b",
      path_glob: "crop/**",
    }],
  });
  assert.equal(matchProjectMap(map, { paths: ["crop/x.png"], sessionId: "2025-10-16 1:00" }), "a");
  assert.equal(matchProjectMap(map, { paths: ["crop/x.png"], sessionId: "2025-10-01 1:00" }), "b");
  assert.equal(matchProjectMap(map, { paths: ["other/x.png"], sessionId: "2025-10-16" }), null);
});

Deno.test("the shipped project map assigns crop-log sessions by date", async () => {
  const file = new URL("../../data/original/project_map.json", import.meta.url);
  const map = parseProjectMap(JSON.parse(await Deno.readTextFile(file)));
  const at = (s: string) => matchProjectMap(map, { paths: ["crop/a.png"], sessionId: s });
  assert.equal(at("2025-10-11 23:59:59"), "mojo1");
  assert.equal(at("2025-10-12 00:00:00"), "mojo2");
  assert.equal(at("2025-10-21 00:00:00"), null);
});
