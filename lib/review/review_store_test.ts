import assert from "node:assert/strict";
import { join } from "node:path";
import { ReplayError, type ReviewEntry, ReviewStore } from "./review_store.ts";

const entry = (id: string, over: Partial<ReviewEntry> = {}): ReviewEntry => ({
  group_id: id,
  action: "approve",
  final_choice: 0,
  crop_coords: [0.1, 0.1, 0.9, 0.8],
  manual_crop: false,
  seconds_spent: 2,
  timestamp: "2025-07-08T06:41:18.000Z",
  ...over,
});

Deno.test("ReviewStore.record() keeps verdicts across a reopen of the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "r.sqlite");
    const a = ReviewStore.open(path);
    a.record([entry("g_a")], { requestId: "1" });
    a.record([entry("g_b", { action: "skip", final_choice: null, crop_coords: null })], {
      requestId: "2",
    });
    a.close();
    using b = ReviewStore.open(path);
    assert.deepEqual(b.all().size, 2);
    assert.deepEqual(b.get("g_a"), entry("g_a"));
    assert.deepEqual(b.get("g_b")?.action, "skip");
    assert.deepEqual(b.undo("3"), ["g_b"]);
    assert.deepEqual(b.get("g_b"), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ReviewStore.record() sums seconds and undo() restores the previous verdict", () => {
  using s = ReviewStore.open(":memory:");
  s.record([entry("g_a", { seconds_spent: 3 })], { requestId: "1" });
  s.record([entry("g_a", { action: "override", final_choice: 1, seconds_spent: 4 })], {
    requestId: "2",
  });
  assert.deepEqual(s.get("g_a")?.seconds_spent, 7);
  assert.deepEqual(s.get("g_a")?.action, "override");
  assert.deepEqual(s.undo("3"), ["g_a"]);
  assert.deepEqual(s.get("g_a"), entry("g_a", { seconds_spent: 3 }));
  assert.deepEqual(s.undo("4"), ["g_a"]);
  assert.deepEqual(s.undo("5"), []);
  assert.deepEqual(s.all().size, 0);
});

Deno.test("ReviewStore.record() refuses a replayed request id and changes nothing", () => {
  using s = ReviewStore.open(":memory:");
  s.record([entry("g_a")], { requestId: "same" });
  const before = s.snapshot();
  assert.throws(() => s.record([entry("g_b")], { requestId: "same" }), ReplayError);
  assert.throws(() => s.undo("same"), ReplayError);
  assert.deepEqual(s.snapshot(), before);
});

Deno.test("ReviewStore.undo() reverts a multi-group step as one", () => {
  using s = ReviewStore.open(":memory:");
  s.record([entry("g_x")], { requestId: "1" });
  s.record([entry("g_a"), entry("g_b"), entry("g_c")], { requestId: "2" });
  assert.deepEqual(s.historyDepth(), 2);
  assert.deepEqual(s.undo("3"), ["g_a", "g_b", "g_c"]);
  assert.deepEqual([...s.all().keys()], ["g_x"]);
});
