/**
 * Hundreds of malformed or hostile requests: each must answer 4xx with a
 * "Cannot …" message and leave the stored review state and the output file
 * untouched.
 */
import assert from "node:assert/strict";
import { goodHeaders, post, rid, testApp, TOKEN } from "./_test_helpers.ts";

interface Attack {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Send to a non-loopback host name. */
  host?: string;
}

const SUBMIT = "/api/automation/submit_decision";
const BATCH = "/api/automation/submit_batch";
const UNDO = "/api/automation/undo";
const BAND = "/api/automation/approve_band";

Deno.test("createApp() answers ≥ 200 hostile requests with 4xx and leaves the state unchanged", async () => {
  await using t = await testApp(6);
  const [d0, d1] = t.decisions;
  const g = d0!.group_id;
  const ai = d0!.step1_selection.chosen_index;
  const other = ai === 0 ? 1 : 0;
  const valid = {
    request_id: "",
    group_id: g,
    action: "approve",
    final_choice: ai,
    crop_coords: [0.1, 0.1, 0.6, 0.6],
    seconds_spent: 2,
  };
  // Some real state first, so "unchanged" means something; plus ids to replay.
  const usedIds = [rid(), rid(), rid()];
  for (const [i, id] of usedIds.slice(0, 2).entries()) {
    const res = await post(t.app, SUBMIT, { ...valid, request_id: id, seconds_spent: i + 1 });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  const batchOk = await post(t.app, BATCH, { request_id: usedIds[2] });
  assert.equal(batchOk.status, 200);
  await batchOk.body?.cancel();
  const fileBefore = await Deno.readTextFile(t.approvedPath);
  const before = t.store.snapshot();

  const attacks: Attack[] = [];
  const body = (o: unknown) => JSON.stringify(o);
  const withId = (o: Record<string, unknown>) => body({ ...valid, request_id: rid(), ...o });

  // 1. Authentication and origin, on every POST route.
  const authCases: [string, Record<string, string>][] = [
    ["no token", { "x-keeper-token": "" }],
    ["wrong token", { "x-keeper-token": "x".repeat(TOKEN.length) }],
    ["token prefix", { "x-keeper-token": TOKEN.slice(0, -1) }],
    ["token with suffix", { "x-keeper-token": TOKEN + "0" }],
    ["cross origin", { origin: "http://evil.example" }],
    ["other port", { origin: "http://localhost:9999" }],
    ["https origin", { origin: "https://localhost" }],
    ["null origin", { origin: "null" }],
    ["127 vs localhost", { origin: "http://127.0.0.1" }],
    ["cross-site fetch", { "sec-fetch-site": "cross-site" }],
    ["same-site fetch", { "sec-fetch-site": "same-site" }],
    ["text/plain", { "content-type": "text/plain" }],
    ["form post", { "content-type": "application/x-www-form-urlencoded" }],
    ["multipart", { "content-type": "multipart/form-data; boundary=x" }],
    ["json-ish type", { "content-type": "application/jsonp" }],
  ];
  const postBodies: [string, string][] = [
    [SUBMIT, withId({})],
    [BATCH, body({ request_id: rid() })],
    [UNDO, body({ request_id: rid() })],
    [BAND, body({ request_id: rid(), expected_count: 0 })],
  ];
  for (const [path, b] of postBodies) {
    for (const [name, headers] of authCases) {
      attacks.push({ name: `${path} ${name}`, method: "POST", path, body: b, headers });
    }
    attacks.push({
      name: `${path} no origin`,
      method: "POST",
      path,
      body: b,
      headers: { origin: "" },
    });
    attacks.push({
      name: `${path} rebinding host`,
      method: "POST",
      path,
      body: b,
      host: "evil.example",
    });
  }

  // 2. Bodies that are not JSON or not objects.
  const notJson = ["", "{", "}", "[", "{'a':1}", "undefined", "NaN", '{"a":}', "\u0000", "<xml/>"];
  const notObject = ["[]", "null", "1", '"x"', "true", "[{}]"];
  for (const path of [SUBMIT, BATCH, UNDO, BAND]) {
    for (const b of [...notJson, ...notObject]) {
      attacks.push({ name: `${path} body ${JSON.stringify(b)}`, method: "POST", path, body: b });
    }
    attacks.push({
      name: `${path} huge body`,
      method: "POST",
      path,
      body: body({ pad: "x".repeat(20_000) }),
    });
  }

  // 3. submit_decision: wrong types and values field by field.
  const fieldCases: Record<string, unknown[]> = {
    request_id: [
      1,
      null,
      "",
      "short",
      "has space in it",
      "../../etc/passwd",
      "x".repeat(65),
      ["a"],
      {},
    ],
    group_id: [
      1,
      null,
      "",
      "g_123",
      "G_0123456789ABCDEF",
      "g_0123456789abcdeg",
      "../g_0123456789abcdef",
      "g_0123456789abcdef/../x",
      ["g"],
      {},
    ],
    action: ["", "APPROVE", "delete", "move", 1, null, ["approve"], "approve "],
    final_choice: ["0", -1, 1.5, 64, 1e9, true, [0], {}],
    crop_coords: [
      [0, 0, 1],
      [0, 0, 1, 1, 1],
      [0, 0, 1.5, 1],
      [-0.1, 0, 1, 1],
      ["0", 0, 1, 1],
      "0,0,1,1",
      [null, 0, 1, 1],
      {},
      [0.5, 0.5, 0.2, 0.9],
      [0.1, 0.1, 0.1, 0.9],
      [0.1, 0.1, 0.105, 0.9],
    ],
    seconds_spent: [-1, "2", null, 86401, 1e308, [], {}, true],
    manual_crop: ["yes", 1, null],
  };
  for (const [field, values] of Object.entries(fieldCases)) {
    for (const v of values) {
      const o: Record<string, unknown> = { ...valid, request_id: rid(), [field]: v };
      if (field === "request_id") o.request_id = v;
      attacks.push({
        name: `submit ${field}=${JSON.stringify(v)}`,
        method: "POST",
        path: SUBMIT,
        body: body(o),
      });
    }
  }
  for (const field of Object.keys(valid)) {
    const o: Record<string, unknown> = { ...valid, request_id: rid() };
    delete o[field];
    attacks.push({ name: `submit missing ${field}`, method: "POST", path: SUBMIT, body: body(o) });
  }
  attacks.push({
    name: "submit extra field",
    method: "POST",
    path: SUBMIT,
    body: withId({ path: "/etc/passwd" }),
  });
  attacks.push({
    name: "submit __proto__",
    method: "POST",
    path: SUBMIT,
    body: `{"__proto__":{"admin":true},${withId({}).slice(1)}`,
  });

  // 4. Rules the schema cannot say.
  const semantic: [string, Record<string, unknown>][] = [
    ["unknown group", { group_id: "g_ffffffffffffffff" }],
    ["approve with another pick", { final_choice: other }],
    ["approve without pick", { final_choice: null }],
    ["override naming the AI pick", { action: "override", final_choice: ai }],
    ["override without pick", { action: "override", final_choice: null }],
    ["override out of range", { action: "override", final_choice: d0!.images.length }],
    ["reject with pick", { action: "reject", final_choice: ai, crop_coords: null }],
    ["reject with crop", { action: "reject", final_choice: null }],
    ["skip with crop", { action: "skip", final_choice: null }],
    ["skip with manual crop", {
      action: "skip",
      final_choice: null,
      crop_coords: null,
      manual_crop: true,
    }],
    ["other group's index", { group_id: d1!.group_id, final_choice: 63 }],
  ];
  for (const [name, o] of semantic) {
    attacks.push({ name: `submit ${name}`, method: "POST", path: SUBMIT, body: withId(o) });
  }

  // 5. Replays of ids already used (by decisions and by the batch submit).
  for (const id of usedIds) {
    attacks.push({
      name: `replay submit ${id}`,
      method: "POST",
      path: SUBMIT,
      body: body({ ...valid, request_id: id }),
    });
    attacks.push({
      name: `replay undo ${id}`,
      method: "POST",
      path: UNDO,
      body: body({ request_id: id }),
    });
    attacks.push({
      name: `replay batch ${id}`,
      method: "POST",
      path: BATCH,
      body: body({ request_id: id }),
    });
    attacks.push({
      name: `replay band ${id}`,
      method: "POST",
      path: BAND,
      body: body({ request_id: id, expected_count: 0 }),
    });
  }
  attacks.push({
    name: "band wrong count",
    method: "POST",
    path: BAND,
    body: body({ request_id: rid(), expected_count: 999 }),
  });
  attacks.push({
    name: "band negative",
    method: "POST",
    path: BAND,
    body: body({ request_id: rid(), expected_count: -1 }),
  });
  attacks.push({
    name: "band string",
    method: "POST",
    path: BAND,
    body: body({ request_id: rid(), expected_count: "1" }),
  });
  attacks.push({
    name: "undo extra",
    method: "POST",
    path: UNDO,
    body: body({ request_id: rid(), steps: 5 }),
  });

  // 6. Image and thumbnail paths: traversal, unknown groups and indexes, bad widths.
  const imagePaths = [
    "/api/image/../../etc/passwd",
    "/api/image/..%2F..%2Fetc%2Fpasswd/0",
    "/api/image/%2e%2e/0",
    `/api/image/${g}/..%2F..%2F..%2Fetc%2Fpasswd`,
    `/api/image/${g}/0%2F..%2F1`,
    `/api/image/${g}/-1`,
    `/api/image/${g}/99`,
    `/api/image/${g}/1e0`,
    `/api/image/${g}/0x1`,
    `/api/image/${g}/`,
    `/api/image/${g}`,
    "/api/image/g_ffffffffffffffff/0",
    "/api/image/G_0123/0",
    `/api/image/${g.toUpperCase()}/0`,
    "/api/image//etc/passwd",
    "/api/image/%00/0",
    `/api/thumb/${g}/0?w=13`,
    `/api/thumb/${g}/0?w=abc`,
    `/api/thumb/${g}/0?w=-256`,
    `/api/thumb/${g}/0?w=100000`,
    `/api/thumb/${g}/0?w=`,
    `/api/thumb/${g}/7?w=256`,
    "/api/thumb/../../../etc/passwd?w=256",
    "/static/../app.ts",
    "/static/%2e%2e/app.ts",
    "/static/app.js/../../deno.json",
    "/../../etc/passwd",
    "/api/automation/../../../etc/passwd",
    "/sandbox/automation_decisions.jsonl",
    "/approved_decisions.jsonl",
    "/review_state.sqlite",
  ];
  for (const p of imagePaths) attacks.push({ name: `GET ${p}`, method: "GET", path: p });

  // 7. Query strings of load_batch.
  for (
    const q of [
      "size=0",
      "size=-1",
      "size=abc",
      "size=100000",
      "size=1.5",
      "size=1e2",
      "size=",
      "filter=evil",
      "filter=",
      "filter=ALL",
      "order=random",
      "order=",
      "offset=-3",
      "offset=x",
      "size=10&debug=1",
      "path=/etc/passwd",
      "filter[]=all",
    ]
  ) {
    attacks.push({
      name: `load_batch ${q}`,
      method: "GET",
      path: `/api/automation/load_batch?${q}`,
    });
  }
  // 8. Wrong methods and unknown routes.
  for (const p of [SUBMIT, BATCH, UNDO]) attacks.push({ name: `GET ${p}`, method: "GET", path: p });
  for (
    const p of [
      "/api/automation/progress",
      "/api/automation/load_batch",
      "/api/automation/stats",
      "/",
      "/api/automation/delete_all",
      "/api/automation/move_files",
    ]
  ) {
    attacks.push({ name: `POST ${p}`, method: "POST", path: p, body: body({ request_id: rid() }) });
  }
  // 9. GETs to a non-loopback host name (DNS rebinding).
  for (
    const p of ["/", "/api/automation/load_batch", `/api/image/${g}/0`, "/api/automation/progress"]
  ) {
    attacks.push({ name: `rebinding GET ${p}`, method: "GET", path: p, host: "attacker.example" });
  }

  assert.ok(attacks.length >= 200, `only ${attacks.length} attacks`);
  const failures: string[] = [];
  for (const a of attacks) {
    const headers = a.method === "POST" ? { ...goodHeaders(), ...a.headers } : { ...a.headers };
    for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
    const url = `http://${a.host ?? "localhost"}${a.path}`;
    const init: RequestInit = { method: a.method, headers };
    if (a.body !== undefined) init.body = a.body;
    const res = await t.app.request(url, init);
    const text = await res.text();
    if (res.status < 400 || res.status >= 500) {
      failures.push(`${a.name}: ${res.status} ${text.slice(0, 120)}`);
    } else if (!/"error":"Cannot /.test(text)) {
      failures.push(`${a.name}: no clear message: ${text.slice(0, 120)}`);
    }
  }
  assert.deepEqual(failures, []);
  assert.equal(t.store.snapshot(), before, "review state changed");
  assert.equal(await Deno.readTextFile(t.approvedPath), fileBefore, "approved file changed");
  console.log(`${attacks.length} hostile requests refused`);
});

Deno.test("a same-origin POST from the page is accepted once; its replay is refused with 409", async () => {
  await using t = await testApp(2);
  const d = t.decisions[0]!;
  const b = {
    request_id: rid(),
    group_id: d.group_id,
    action: "skip",
    final_choice: null,
    crop_coords: null,
    seconds_spent: 1,
  };
  const first = await post(t.app, SUBMIT, b);
  assert.equal(first.status, 200);
  await first.body?.cancel();
  const snap = t.store.snapshot();
  const again = await post(t.app, SUBMIT, { ...b, action: "reject" });
  assert.equal(again.status, 409);
  assert.match((await again.json()).error, /already used/);
  assert.equal(t.store.snapshot(), snap);
});
