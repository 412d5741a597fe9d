import assert from "node:assert/strict";
import { readApprovedDecisions } from "../lib/decisions/mod.ts";
import { encodeRaw, probe } from "../lib/image/mod.ts";
import { post, rid, testApp } from "./_test_helpers.ts";
import type { GroupView } from "./_views.ts";

Deno.test("createApp() records each action and submit_batch writes one valid record per reviewed group", async () => {
  await using t = await testApp(6);
  const [d0, d1, d2, d3] = t.decisions;
  const ai1 = d1!.step1_selection.chosen_index;
  const other1 = ai1 === 0 ? 1 : 0;
  const verdicts = [
    {
      group_id: d0!.group_id,
      action: "approve",
      final_choice: d0!.step1_selection.chosen_index,
      crop_coords: [0.1, 0.2, 0.7, 0.8],
      seconds_spent: 1.5,
    },
    {
      group_id: d1!.group_id,
      action: "override",
      final_choice: other1,
      crop_coords: null,
      manual_crop: true,
      seconds_spent: 3,
    },
    {
      group_id: d2!.group_id,
      action: "reject",
      final_choice: null,
      crop_coords: null,
      seconds_spent: 2,
    },
    {
      group_id: d3!.group_id,
      action: "skip",
      final_choice: null,
      crop_coords: null,
      seconds_spent: 0.25,
    },
  ];
  for (const v of verdicts) {
    const res = await post(t.app, "/api/automation/submit_decision", { request_id: rid(), ...v });
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
  }
  const prog = await (await t.app.request("/api/automation/progress")).json();
  assert.deepEqual(prog.by_action, { approve: 1, override: 1, reject: 1, skip: 1 });
  assert.equal(prog.reviewed, 4);
  const res = await post(t.app, "/api/automation/submit_batch", { request_id: rid() });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).written, 4);
  const written = await readApprovedDecisions(t.approvedPath);
  assert.equal(written.length, 4);
  for (const [i, v] of verdicts.entries()) {
    const rec = written[i]!;
    const d = t.decisions[i]!;
    assert.equal(rec.group_id, v.group_id);
    assert.equal(rec.action, v.action);
    assert.equal(rec.final_choice, v.final_choice);
    assert.deepEqual(rec.crop_coords, v.crop_coords);
    assert.equal(rec.ai_choice, d.step1_selection.chosen_index);
    assert.deepEqual(rec.ai_crop, d.step2_crop.needs_crop ? d.step2_crop.box : null);
    assert.equal(rec.seconds_spent, v.seconds_spent);
    assert.equal(rec.manual_crop, v.manual_crop);
  }
});

Deno.test("createApp() undo restores the previous verdict and an approve-band step undoes as one", async () => {
  await using t = await testApp(30);
  const band = t.decisions.filter((d) => d.step1_selection.auto_approvable);
  assert.ok(band.length >= 2, "fixture should hold a band");
  const g = band[0]!;
  await post(t.app, "/api/automation/submit_decision", {
    request_id: rid(),
    group_id: g.group_id,
    action: "skip",
    final_choice: null,
    crop_coords: null,
    seconds_spent: 1,
  });
  const count = (await (await t.app.request("/api/automation/approve_band")).json()).count;
  assert.equal(count, band.length - 1);
  const stale = await post(t.app, "/api/automation/approve_band", {
    request_id: rid(),
    expected_count: count + 1,
  });
  assert.equal(stale.status, 409);
  await stale.body?.cancel();
  const ok = await post(t.app, "/api/automation/approve_band", {
    request_id: rid(),
    expected_count: count,
  });
  assert.equal((await ok.json()).approved.length, count);
  assert.equal(t.store.all().size, band.length);
  const undo = await (await post(t.app, "/api/automation/undo", { request_id: rid() })).json();
  assert.equal(undo.groups.length, count);
  assert.equal(t.store.all().size, 1);
  const undo2 = await (await post(t.app, "/api/automation/undo", { request_id: rid() })).json();
  assert.deepEqual(undo2.groups, [{ group_id: g.group_id, review: null }]);
  const none = await (await post(t.app, "/api/automation/undo", { request_id: rid() })).json();
  assert.deepEqual(none.groups, []);
});

Deno.test("load_batch orders low confidence first, filters crops and anomalies, and resumes at the first pending batch", async () => {
  await using t = await testApp(30);
  const get = async (q: string) =>
    await (await t.app.request(`/api/automation/load_batch?${q}`)).json() as {
      groups: GroupView[];
      offset: number;
      matching: number;
    };
  const low = await get("size=30&order=low_confidence");
  const conf = low.groups.map((g) => g.ai.confidence);
  assert.deepEqual(conf, [...conf].sort((a, b) => a - b));
  const crops = await get("size=30&filter=crops");
  assert.equal(crops.matching, t.decisions.filter((d) => d.step2_crop.needs_crop).length);
  assert.ok(crops.groups.every((g) => g.crop.needs_crop));
  const anomalies = await get("size=30&filter=anomalies");
  assert.ok(anomalies.groups.length > 0 && crops.groups.length > 0, "fixture has both");
  assert.ok(anomalies.groups.every((g) => g.flags.includes("anomaly_suspected")));
  for (const d of t.decisions.slice(0, 12)) {
    await post(t.app, "/api/automation/submit_decision", {
      request_id: rid(),
      group_id: d.group_id,
      action: "reject",
      final_choice: null,
      crop_coords: null,
      seconds_spent: 1,
    });
  }
  const resumed = await get("size=5");
  assert.equal(resumed.offset, 10);
  assert.equal(resumed.groups[2]!.review, null);
  assert.equal(resumed.groups[1]!.review?.action, "reject");
  assert.ok(!JSON.stringify(resumed).includes(t.root), "no file system paths reach the page");
});

Deno.test("load_batch combines filters and a project, counts each choice, and numbers groups by file position", async () => {
  await using t = await testApp(30, (ds) => {
    ds.forEach((d, i) => {
      d.project = i % 3 === 0 ? "beta" : "alpha";
    });
  });
  const get = async (q: string) =>
    await (await t.app.request(`/api/automation/load_batch?${q}`)).json() as {
      groups: GroupView[];
      matching: number;
      projects: string[];
      counts: { filters: Record<string, number>; projects: Record<string, number>; total: number };
    };
  const ds = t.decisions;
  const low = (i: number) => ds[i]!.flags.includes("low_confidence");
  const crop = (i: number) => ds[i]!.step2_crop.needs_crop;
  const alpha = (i: number) => ds[i]!.project === "alpha";
  const idx = ds.map((_, i) => i);
  const b = await get("size=30&filter=low_confidence,crops&project=alpha");
  const want = idx.filter((i) => low(i) && crop(i) && alpha(i));
  assert.ok(want.length > 0, "fixture has such groups");
  assert.equal(b.matching, want.length);
  assert.deepEqual(b.groups.map((g) => g.position), want, "position is the file position");
  assert.deepEqual(b.projects, ["alpha", "beta"]);
  assert.equal(b.counts.total, idx.filter(alpha).length);
  assert.equal(b.counts.projects.beta, idx.filter((i) => low(i) && crop(i) && !alpha(i)).length);
  assert.equal(b.counts.filters.pending, want.length);
  const ordered = await get("size=30&order=low_confidence&filter=crops");
  assert.equal(ordered.groups.length, idx.filter(crop).length, "every crop group, reordered");
  for (const g of ordered.groups) {
    assert.equal(ds[g.position]!.group_id, g.group_id, "same number under another order");
  }
  for (const bad of ["filter=crops,", "filter=crops,evil", "project=gamma"]) {
    assert.equal((await t.app.request(`/api/automation/load_batch?${bad}`)).status, 400, bad);
  }
});

Deno.test("image routes serve referenced sandbox files and refuse escapes and links out", async () => {
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  await Deno.writeTextFile(`${outside}/secret.png`, "not for you");
  try {
    await using t = await testApp(3, async (ds, root) => {
      await Deno.symlink(`${outside}/secret.png`, `${root}/images/fixture/link.png`);
      ds[1]!.images[0]!.path = "images/fixture/link.png";
      ds[2]!.images[0]!.path = "../" + outside.split("/").pop() + "/secret.png";
      ds[2]!.images[1]!.path = "images/../../secret.png";
    });
    const [d0, d1, d2] = t.decisions;
    const ok = await t.app.request(`/api/image/${d0!.group_id}/0`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("content-type"), "image/png");
    const bytes = new Uint8Array(await ok.arrayBuffer());
    assert.deepEqual(bytes, await Deno.readFile(`${t.root}/${d0!.images[0]!.path}`));
    for (
      const path of [
        `/api/image/${d1!.group_id}/0`,
        `/api/thumb/${d1!.group_id}/0?w=256`,
        `/api/image/${d2!.group_id}/0`,
        `/api/image/${d2!.group_id}/1`,
      ]
    ) {
      const res = await t.app.request(path);
      assert.equal(res.status, 403, path);
      assert.match((await res.json()).error, /^Cannot /);
    }
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

for (const disk of [false, true]) {
  Deno.test(`thumb route shrinks large images to JPEG and serves the cached copy again (${disk ? "disk cache" : "memory only"})`, async () => {
    const thumbs = disk ? await Deno.makeTempDir({ prefix: "keeper-thumbs-" }) : null;
    try {
      await using t = await testApp(1, async (ds, root) => {
        const w = 600, h = 400;
        const data = new Uint8Array(w * h * 3).map((_, i) => (i * 7) % 251);
        await Deno.writeFile(
          `${root}/big.png`,
          await encodeRaw({ data, width: w, height: h, channels: 3 }),
        );
        Object.assign(ds[0]!.images[0]!, { path: "big.png", width: w, height: h });
      }, thumbs);
      const id = t.decisions[0]!.group_id;
      const a = await t.app.request(`/api/thumb/${id}/0?w=256`);
      assert.equal(a.headers.get("content-type"), "image/jpeg");
      const ab = new Uint8Array(await a.arrayBuffer());
      assert.deepEqual([ab[0], ab[1]], [0xff, 0xd8]);
      const b = new Uint8Array(
        await (await t.app.request(`/api/thumb/${id}/0?w=256`)).arrayBuffer(),
      );
      assert.deepEqual(b, ab);
      const size = await probe(ab);
      assert.ok(
        Math.abs(size.width - 256) <= 1 && Math.abs(size.height - 171) <= 1,
        `${size.width}x${size.height}`,
      );
      if (thumbs !== null) {
        const files = [...Deno.readDirSync(thumbs)].map((e) => e.name);
        assert.equal(files.length, 1);
        assert.match(files[0]!, /^[0-9a-f]{64}_171\.jpg$/);
      }
    } finally {
      if (thumbs !== null) await Deno.remove(thumbs, { recursive: true });
    }
  });
}

Deno.test("the page carries the token and a strict content security policy", async () => {
  await using t = await testApp(1);
  const res = await t.app.request("/");
  const html = await res.text();
  assert.match(html, /<meta name="keeper-token" content="t0ken_for_tests_0123456789abcdef">/);
  assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  assert.equal(
    (await t.app.request("/static/app.js")).headers.get("content-type"),
    "text/javascript; charset=utf-8",
  );
});

Deno.test("load_batch answers from its cache until a verdict or an undo changes the state", async () => {
  await using t = await testApp(4);
  const get = async () => await (await t.app.request("/api/automation/load_batch?size=4")).text();
  const first = await get();
  assert.equal(await get(), first, "same state, same answer");
  const g = t.decisions[0]!;
  await post(t.app, "/api/automation/submit_decision", {
    request_id: rid(),
    group_id: g.group_id,
    action: "skip",
    final_choice: null,
    crop_coords: null,
    seconds_spent: 1,
  });
  const after = JSON.parse(await get()) as { groups: GroupView[]; undo_depth: number };
  assert.equal(after.groups[0]!.review?.action, "skip");
  assert.equal(after.undo_depth, 1);
  await post(t.app, "/api/automation/undo", { request_id: rid() });
  assert.equal(await get(), first, "undo brings the first answer back");
});

Deno.test("every answer carries nosniff and no-referrer: page, API, image, 404 and refused host", async () => {
  await using t = await testApp(1);
  const g = t.decisions[0]!;
  const answers = [
    await t.app.request("/"),
    await t.app.request("/api/automation/load_batch?size=1"),
    // The same again: answered from the cache before Hono routes it.
    await t.app.request("/api/automation/load_batch?size=1"),
    await t.app.request("/api/automation/progress"),
    await t.app.request(`/api/image/${g.group_id}/0`),
    await t.app.request("/no/such/route"),
    await t.app.request("http://evil.example/api/automation/progress"),
    // load_batch runs before the header middleware: its refusals carry them too.
    await t.app.request("http://evil.example/api/automation/load_batch?size=1"),
    await t.app.request("/api/automation/load_batch?size=0"),
  ];
  assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 200, 200, 404, 403, 403, 400]);
  assert.equal(await answers[2]!.clone().text(), await answers[1]!.clone().text());
  assert.equal(answers[2]!.headers.get("content-type"), "application/json");
  assert.equal(answers[2]!.headers.get("cache-control"), "no-store");
  for (const r of answers) {
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", r.url);
    assert.equal(r.headers.get("referrer-policy"), "no-referrer", r.url);
    await r.body?.cancel();
  }
});
