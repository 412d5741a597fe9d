/**
 * Nothing is approved blind (issue #21 item 3), on the server: a group with an
 * image that is missing or cannot be shown is refused on approve and override,
 * left pending by the approve-band action (which says how many and which),
 * and stops submit_batch; reject and skip are still recorded.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../lib/image/mod.ts";
import type { AutomationDecision } from "../lib/types.ts";
import { post, rid, testApp } from "./_test_helpers.ts";
import type { Unshowable } from "./_showable.ts";

const verdict = (d: AutomationDecision, action: string, final: number | null = null) => ({
  request_id: rid(),
  group_id: d.group_id,
  action,
  final_choice: final,
  crop_coords: null,
  seconds_spent: 1,
});

const other = (d: AutomationDecision): number => d.step1_selection.chosen_index === 0 ? 1 : 0;
const fileOf = (root: string, d: AutomationDecision, i: number): string =>
  join(root, d.images[i]!.path);

Deno.test("submit_decision refuses approve and override of a group with a missing, non-image or truncated file (409, which image and why); reject and skip are recorded", async () => {
  await using t = await testApp(4, async (ds, root) => {
    await Deno.remove(fileOf(root, ds[0]!, ds[0]!.step1_selection.chosen_index));
    await Deno.writeTextFile(fileOf(root, ds[1]!, other(ds[1]!)), "not a picture\n".repeat(9));
    const cut = fileOf(root, ds[2]!, 0);
    const bytes = await Deno.readFile(cut);
    await Deno.writeFile(cut, bytes.subarray(0, bytes.length >> 1));
  });
  const [d0, d1, d2, d3] = t.decisions as [
    AutomationDecision,
    AutomationDecision,
    AutomationDecision,
    AutomationDecision,
  ];
  const cases: [AutomationDecision, number, RegExp][] = [
    [d0, d0.step1_selection.chosen_index, /does not exist/],
    [d1, other(d1), /is not a usable image \(not_an_image\)/],
    [d2, 0, /is not a usable image \(truncated\)/],
  ];
  for (const [d, index, why] of cases) {
    const tries = [["approve", d.step1_selection.chosen_index], ["override", other(d)]] as const;
    for (const [action, final] of tries) {
      const res = await post(t.app, "/api/automation/submit_decision", verdict(d, action, final));
      const body = await res.json() as { error: string; unshowable: Unshowable[] };
      assert.equal(res.status, 409, `${action} ${JSON.stringify(body)}`);
      assert.match(body.error, new RegExp(`^Cannot ${action} group "${d.group_id}": Group `));
      assert.match(body.error, why);
      assert.ok(body.error.includes(d.images[index]!.path.split("/").pop()!), body.error);
      assert.match(body.error, /reject or skip/);
      assert.deepEqual(body.unshowable.map((u) => u.group_id), [d.group_id]);
      assert.deepEqual(body.unshowable[0]!.images.map((im) => im.index), [index]);
      assert.equal(t.store.get(d.group_id), undefined, "nothing recorded");
    }
  }
  for (const [d, action] of [[d0, "skip"], [d1, "reject"], [d2, "skip"]] as const) {
    const res = await post(t.app, "/api/automation/submit_decision", verdict(d, action));
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
    assert.equal(t.store.get(d.group_id)?.action, action);
  }
  // An intact group approves as before.
  const ok = await post(
    t.app,
    "/api/automation/submit_decision",
    verdict(d3, "approve", d3.step1_selection.chosen_index),
  );
  assert.equal(ok.status, 200, await ok.clone().text());
  await ok.body?.cancel();
});

Deno.test("a file whose header is whole but whose pixels do not decode: refused once serving it found the pixels do not decode", async () => {
  await using t = await testApp(2, async (ds, root) => {
    // 600 × 400 so the thumbnail route decodes it; the middle of the file is zeroed.
    const data = new Uint8Array(600 * 400 * 3).map((_, i) => (i * 7919) % 256);
    const png = await encodeRaw({ data, width: 600, height: 400, channels: 3 });
    png.fill(0, 200, png.length - 200);
    const d = ds[0]!;
    const path = fileOf(root, d, d.step1_selection.chosen_index);
    await Deno.writeFile(path, png);
    Object.assign(d.images[d.step1_selection.chosen_index]!, { width: 600, height: 400 });
  });
  const d = t.decisions[0]!;
  const thumb = await t.app.request(`/api/thumb/${d.group_id}/${d.step1_selection.chosen_index}`);
  assert.equal(thumb.status, 422, await thumb.clone().text());
  await thumb.body?.cancel();
  const res = await post(
    t.app,
    "/api/automation/submit_decision",
    verdict(d, "approve", d.step1_selection.chosen_index),
  );
  const body = await res.json();
  assert.equal(res.status, 409, JSON.stringify(body));
  assert.match(body.error, /is not a usable image/);
});

Deno.test("approve_band leaves groups with an unshowable image pending and says how many and which; a band of only those is refused", async () => {
  await using t = await testApp(30, async (ds, root) => {
    const band = ds.filter((d) => d.step1_selection.auto_approvable);
    assert.ok(band.length >= 4, `fixture band holds ${band.length} groups`);
    await Deno.remove(fileOf(root, band[1]!, 0));
    await Deno.writeFile(fileOf(root, band[3]!, 1), new Uint8Array(0));
  });
  const band = t.decisions.filter((d) => d.step1_selection.auto_approvable);
  const broken = [band[1]!.group_id, band[3]!.group_id];
  const position = (id: string) => t.decisions.findIndex((d) => d.group_id === id) + 1;

  const ask = await (await t.app.request("/api/automation/approve_band")).json() as {
    count: number;
    unshowable: Unshowable[];
  };
  assert.equal(ask.count, band.length);
  assert.deepEqual(ask.unshowable.map((u) => u.group_id), broken);

  const res = await post(t.app, "/api/automation/approve_band", {
    request_id: rid(),
    expected_count: band.length,
  });
  const body = await res.json() as {
    approved: string[];
    skipped: number;
    unshowable: Unshowable[];
    progress: { band_pending: number };
  };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.approved.length, band.length - 2);
  assert.equal(body.skipped, 2);
  assert.deepEqual(body.unshowable.map((u) => u.group_id), broken);
  assert.deepEqual(body.unshowable.map((u) => u.group), broken.map(position));
  assert.match(body.unshowable[0]!.images[0]!.reason, /does not exist/);
  assert.match(body.unshowable[1]!.images[0]!.reason, /not a usable image \(zero_byte\)/);
  for (const id of broken) assert.equal(t.store.get(id), undefined, `${id} left pending`);
  assert.equal(t.store.all().size, band.length - 2);
  assert.equal(body.progress.band_pending, 2);

  // Only the two broken ones are left in the band: nothing useful to do, refused.
  const again = await post(t.app, "/api/automation/approve_band", {
    request_id: rid(),
    expected_count: 2,
  });
  const refused = await again.json();
  assert.equal(again.status, 409, JSON.stringify(refused));
  assert.match(refused.error, /^Cannot approve band: all 2 of its groups have an image/);
  assert.match(refused.error, new RegExp(`Group ${position(broken[0]!)} \\(image 1: `));
  assert.equal(t.store.all().size, band.length - 2);
});

Deno.test("submit_batch refuses an approved group whose image went missing after the verdict, writes nothing, and goes through once it is rejected", async () => {
  await using t = await testApp(3);
  const [d0, d1] = t.decisions as [AutomationDecision, AutomationDecision];
  for (const v of [verdict(d0, "approve", d0.step1_selection.chosen_index), verdict(d1, "skip")]) {
    const res = await post(t.app, "/api/automation/submit_decision", v);
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
  }
  await Deno.remove(fileOf(t.root, d0, 1));
  const res = await post(t.app, "/api/automation/submit_batch", { request_id: rid() });
  const body = await res.json() as { error: string; unshowable: Unshowable[] };
  assert.equal(res.status, 409, JSON.stringify(body));
  assert.match(
    body.error,
    /^Cannot submit batch: 1 approved group has an image that cannot be shown: Group 1 \(image 2: .* does not exist\); reject or skip it first$/,
  );
  assert.deepEqual(body.unshowable.map((u) => u.group_id), [d0.group_id]);
  await assert.rejects(Deno.stat(t.approvedPath), Deno.errors.NotFound);

  const reject = await post(t.app, "/api/automation/submit_decision", verdict(d0, "reject"));
  assert.equal(reject.status, 200);
  await reject.body?.cancel();
  const ok = await post(t.app, "/api/automation/submit_batch", { request_id: rid() });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.equal((await ok.json()).written, 2);
});
