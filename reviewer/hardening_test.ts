/**
 * Issue #16 attacks on the reviewer, each reproduced: planted links for the
 * state files (4), oversized bodies counted while streaming (5), bad images
 * and bad Host headers answered 4xx with the reason (6), and temp files a
 * kill -9 left behind swept on start (13). Transport cases run against a
 * real server as well as through `app.request()`.
 */
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { join } from "node:path";
import { writeReviewFixture } from "../tests/fixtures/write_review_fixture.ts";
import { sweepTempFiles } from "../lib/fs/mod.ts";
import { serveReviewer } from "./server.ts";
import { goodHeaders, post, rid, testApp } from "./_test_helpers.ts";

const BATCH = "/api/automation/submit_batch";

async function listing(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

/** A sandbox with a small batch, an outside folder, cleaned up after. */
async function withSandbox(
  fn: (root: string, outside: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "keeper-harden-" });
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  try {
    await writeReviewFixture(root, { groups: 3, seed: 7 });
    await fn(root, outside);
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
}

// --- 4. planted links ------------------------------------------------------

for (
  const [name, plant] of [
    ["review_state.sqlite", "x.sqlite"],
    ["review_state.sqlite-wal", "x-wal"],
    ["review_state.sqlite-shm", "x-shm"],
    ["review_state.sqlite-journal", "x-journal"],
    [".thumbs", "thumbs"],
    ["approved_decisions.jsonl", "approved.jsonl"],
  ] as const
) {
  Deno.test(`serveReviewer() refuses a planted link "${name}" and writes nothing outside`, async () => {
    await withSandbox(async (root, outside) => {
      await Deno.symlink(join(outside, plant), join(root, name));
      await assert.rejects(
        () => serveReviewer(join(root, "automation_decisions.jsonl"), { port: 0 }),
        (e: Error) => {
          assert.match(e.message, /^Cannot use .*symbolic link/);
          assert.ok(e.message.includes(join(root, name)), e.message);
          return true;
        },
      );
      assert.deepEqual(await listing(outside), [], "nothing created outside");
    });
  });
}

Deno.test("serveReviewer() refuses a state file that is a hard link to an outside file", async () => {
  await withSandbox(async (root, outside) => {
    await Deno.writeTextFile(join(outside, "victim"), "keep me");
    await Deno.link(join(outside, "victim"), join(root, "review_state.sqlite"));
    await assert.rejects(
      () => serveReviewer(join(root, "automation_decisions.jsonl"), { port: 0 }),
      /^Error: Cannot use review state file .*2 hard links|Cannot use review state file .*hard links/,
    );
    assert.equal(await Deno.readTextFile(join(outside, "victim")), "keep me");
  });
});

Deno.test("serveReviewer() refuses a state path whose folder resolves outside the sandbox", async () => {
  await withSandbox(async (root, outside) => {
    await assert.rejects(
      () =>
        serveReviewer(join(root, "automation_decisions.jsonl"), {
          port: 0,
          statePath: join(outside, "state.sqlite"),
        }),
      /Cannot use review state file .* is outside the sandbox/,
    );
    await Deno.symlink(outside, join(root, "linked"));
    await assert.rejects(
      () =>
        serveReviewer(join(root, "automation_decisions.jsonl"), {
          port: 0,
          statePath: join(root, "linked", "state.sqlite"),
        }),
      /Cannot use review state file .* is outside the sandbox/,
    );
    assert.deepEqual(await listing(outside), []);
  });
});

Deno.test("thumb route refuses a .thumbs swapped for a link after start (409) and writes nothing outside", async () => {
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  try {
    let thumbs = "";
    await using t = await testApp(1, async (ds, root) => {
      thumbs = join(root, ".thumbs");
      await Deno.symlink(outside, thumbs);
      Object.assign(ds[0]!.images[0]!, { width: 2048, height: 2048 });
    }, null);
    // testApp takes the folder before the root exists: build a second app over the same root.
    const { createApp } = await import("./app.ts");
    const app = createApp({
      decisions: t.decisions,
      store: t.store,
      sandboxRoot: t.root,
      approvedPath: t.approvedPath,
      token: "x".repeat(32),
      thumbDir: thumbs,
      assets: { js: () => Promise.resolve(""), css: () => Promise.resolve("") },
    });
    const res = await app.request(`/api/thumb/${t.decisions[0]!.group_id}/0?w=256`);
    assert.equal(res.status, 409);
    assert.match((await res.json()).error, /^Cannot use thumbnail folder .*symbolic link/);
    assert.deepEqual(await listing(outside), []);
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("thumb route will not serve a cached thumbnail planted as a link to an outside file", async () => {
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  const thumbs = await Deno.makeTempDir({ prefix: "keeper-thumbs-" });
  try {
    await Deno.writeTextFile(join(outside, "secret"), "secret bytes");
    await using t = await testApp(1, (ds) => {
      Object.assign(ds[0]!.images[0]!, { width: 2048, height: 2048 });
    }, thumbs);
    const im = t.decisions[0]!.images[0]!;
    const bytes = await Deno.readFile(join(t.root, im.path));
    const sha = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    await Deno.symlink(join(outside, "secret"), join(thumbs, `${sha}_256.jpg`));
    const res = await t.app.request(`/api/thumb/${t.decisions[0]!.group_id}/0?w=256`);
    const body = await res.text();
    assert.equal(res.status, 409, body);
    assert.ok(!body.includes("secret bytes"));
    assert.match(JSON.parse(body).error, /^Cannot use cached thumbnail .*symbolic link/);
  } finally {
    await Deno.remove(outside, { recursive: true });
    await Deno.remove(thumbs, { recursive: true });
  }
});

Deno.test("submit_batch refuses an approved file swapped for a link after start (409), outside untouched", async () => {
  const outside = await Deno.makeTempDir({ prefix: "keeper-outside-" });
  try {
    await Deno.writeTextFile(join(outside, "victim.jsonl"), "old\n");
    await using t = await testApp(2);
    const d = t.decisions[0]!;
    const ok = await post(t.app, "/api/automation/submit_decision", {
      request_id: rid(),
      group_id: d.group_id,
      action: "skip",
      final_choice: null,
      crop_coords: null,
      seconds_spent: 1,
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    await Deno.symlink(join(outside, "victim.jsonl"), t.approvedPath);
    const res = await post(t.app, BATCH, { request_id: rid() });
    assert.equal(res.status, 409);
    assert.match((await res.json()).error, /^Cannot use approved decisions file .*symbolic link/);
    assert.equal(await Deno.readTextFile(join(outside, "victim.jsonl")), "old\n");
    assert.ok((await Deno.lstat(t.approvedPath)).isSymlink, "the link is left for the person");
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

// --- 5. body size counted while streaming --------------------------------

const CHUNK = new Uint8Array(64 * 1024).fill(0x20);

/** A body stream of up to `total` bytes that counts what was pulled from it. */
function countingBody(total: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (pulled >= total) return ctrl.close();
      pulled += CHUNK.length;
      ctrl.enqueue(CHUNK.slice());
    },
  });
  return { stream, pulled: () => pulled };
}

Deno.test("a POST body with no Content-Length is cut off at the limit through app.request()", async () => {
  await using t = await testApp(1);
  const body = countingBody(64 * 1024 * 1024);
  const res = await t.app.request(BATCH, {
    method: "POST",
    headers: goodHeaders(),
    body: body.stream,
  });
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /^Cannot accept request: body exceeds 16384 bytes/);
  assert.ok(body.pulled() <= 4 * CHUNK.length, `pulled ${body.pulled()} of 64 MiB`);
});

Deno.test("a chunked 128 MiB POST to a real server is answered 413 after a few MiB, not after all of it", async () => {
  await withSandbox(async (root) => {
    const r = await serveReviewer(join(root, "automation_decisions.jsonl"), { port: 0 });
    try {
      const page = await (await fetch(r.url)).text();
      const token = /name="keeper-token" content="([^"]+)"/.exec(page)![1]!;
      const port = Number(new URL(r.url).port);
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      const enc = new TextEncoder();
      await conn.write(enc.encode(
        `POST ${BATCH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Origin: http://127.0.0.1:${port}\r\nX-Keeper-Token: ${token}\r\n` +
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      ));
      let answered = "";
      let sent = 0;
      const reading = (async () => {
        const buf = new Uint8Array(4096);
        const n = await conn.read(buf);
        answered = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      })();
      const total = 128 * 1024 * 1024;
      const frame = new Uint8Array([
        ...enc.encode(`${CHUNK.length.toString(16)}\r\n`),
        ...CHUNK,
        ...enc.encode("\r\n"),
      ]);
      try {
        while (answered === "" && sent < total) {
          let off = 0;
          while (off < frame.length) off += await conn.write(frame.subarray(off));
          sent += CHUNK.length;
        }
        // Not answered yet (today's main read it all): end the body so the server answers.
        if (answered === "") await conn.write(enc.encode("0\r\n\r\n"));
      } catch {
        // the server closed the connection after answering
      }
      await reading;
      conn.close();
      assert.match(answered, /^HTTP\/1\.1 413 /);
      assert.ok(sent < 32 * 1024 * 1024, `sent ${sent} bytes before the answer`);
    } finally {
      await r.shutdown();
    }
  });
});

// --- 6. expected bad input answers 4xx with the reason --------------------

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A small PNG file whose header claims `side` × `side` pixels. */
function hugePng(side: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, side);
  v.setUint32(4, side);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(new Uint8Array(1024)))),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

for (const disk of [false, true]) {
  Deno.test(`thumb of a non-image .png or an over-limit image answers 422 with the reason (${disk ? "disk cache" : "memory"})`, async () => {
    const thumbs = disk ? await Deno.makeTempDir({ prefix: "keeper-thumbs-" }) : null;
    try {
      await using t = await testApp(2, async (ds, root) => {
        await Deno.writeTextFile(join(root, "text.png"), "this is not a picture\n".repeat(20));
        await Deno.writeFile(join(root, "huge.png"), hugePng(30000));
        Object.assign(ds[0]!.images[0]!, { path: "text.png", width: 600, height: 400 });
        Object.assign(ds[1]!.images[0]!, { path: "huge.png", width: 30000, height: 30000 });
      }, thumbs);
      const cases = [
        [
          t.decisions[0]!.group_id,
          /"text\.png" is not a usable image \((not_an_image|unsupported|corrupt)\)/,
        ],
        [t.decisions[1]!.group_id, /"huge\.png" is not a usable image \(too_many_pixels\)/],
      ] as const;
      for (const [id, reason] of cases) {
        const res = await t.app.request(`/api/thumb/${id}/0?w=256`);
        const body = await res.json();
        assert.equal(res.status, 422, JSON.stringify(body));
        assert.match(body.error, /^Cannot serve thumbnail: /);
        assert.match(body.error, reason);
      }
    } finally {
      if (thumbs !== null) await Deno.remove(thumbs, { recursive: true });
    }
  });
}

Deno.test("a real server answers a Host header with a space or port 99999 with 400, not 500", async () => {
  await withSandbox(async (root) => {
    const r = await serveReviewer(join(root, "automation_decisions.jsonl"), { port: 0 });
    try {
      const port = Number(new URL(r.url).port);
      for (const host of ["a b", "127.0.0.1:99999", "[::1"]) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port });
        await conn.write(new TextEncoder().encode(
          `GET /api/automation/progress HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        ));
        const bytes = new Uint8Array(await new Response(conn.readable).arrayBuffer());
        const text = new TextDecoder().decode(bytes);
        assert.match(text, /^HTTP\/1\.1 400 /, `${host}: ${text.split("\r\n")[0]}`);
        assert.ok(text.includes("Cannot serve request: Host header"), text);
      }
    } finally {
      await r.shutdown();
    }
  });
});

// --- 7. a group decided twice --------------------------------------------

Deno.test("serveReviewer() refuses automation_decisions.jsonl with a duplicate group_id, naming file, line and field", async () => {
  await withSandbox(async (root) => {
    const file = join(root, "automation_decisions.jsonl");
    const lines = (await Deno.readTextFile(file)).trimEnd().split("\n");
    // The first group again with another pick: which one was reviewed would be a guess.
    const again = JSON.parse(lines[0]!);
    again.step1_selection.chosen_index = again.step1_selection.chosen_index === 0 ? 1 : 0;
    again.step1_selection.chosen = again.images[again.step1_selection.chosen_index].path;
    await Deno.writeTextFile(file, [...lines, JSON.stringify(again)].join("\n") + "\n");
    const before = await listing(root);
    await assert.rejects(
      () => serveReviewer(file, { port: 0 }),
      (e: Error) => {
        assert.ok(e.message.includes(`${file}:${lines.length + 1}`), e.message);
        assert.match(e.message, /field "\/group_id".*already decided on line 1/);
        assert.match(e.message, /duplicate_group/);
        return true;
      },
    );
    assert.deepEqual(await listing(root), before, "no state file created");
  });
});

Deno.test("createApp() refuses decisions given in memory with a group twice", async () => {
  await withSandbox(async (root) => {
    const decisions = (await Deno.readTextFile(join(root, "automation_decisions.jsonl")))
      .trimEnd().split("\n").map((l) => JSON.parse(l));
    const { createApp } = await import("./app.ts");
    const { ReviewStore } = await import("../lib/review/mod.ts");
    const store = ReviewStore.open(":memory:");
    assert.throws(
      () =>
        createApp({
          decisions: [...decisions, decisions[1]],
          store,
          sandboxRoot: root,
          approvedPath: join(root, "approved_decisions.jsonl"),
          token: "x".repeat(32),
          thumbDir: null,
          assets: { js: () => Promise.resolve(""), css: () => Promise.resolve("") },
        }),
      /^TypeError: Cannot review: group "g_[0-9a-f]{16}" is given twice \(decision 4\)/,
    );
    store.close();
  });
});

// --- 13. temp files of an interrupted submit_batch ------------------------

Deno.test("serveReviewer() sweeps the temp file a kill -9 during submit_batch left behind", async () => {
  await withSandbox(async (root) => {
    // What atomicWriteText leaves when killed between write and rename (pid long gone).
    const stale = join(root, ".approved_decisions.jsonl.99999999.0a1b2c3d.tmp");
    const notOurs = join(root, ".approved_decisions.jsonl.notes.tmp");
    await Deno.writeTextFile(stale, '{"half":');
    await Deno.writeTextFile(notOurs, "a person's file");
    // And a thumbnail being cached when it was killed.
    await Deno.mkdir(join(root, ".thumbs"));
    const thumb = join(root, ".thumbs", `.${"b".repeat(64)}_256.jpg.99999999.0a1b2c3e.tmp`);
    await Deno.writeTextFile(thumb, "half a jpeg");
    const r = await serveReviewer(join(root, "automation_decisions.jsonl"), { port: 0 });
    try {
      assert.deepEqual(r.sweptTempFiles, [stale, thumb]);
      await assert.rejects(() => Deno.lstat(thumb), Deno.errors.NotFound);
      await assert.rejects(() => Deno.lstat(stale), Deno.errors.NotFound);
      assert.equal(await Deno.readTextFile(notOurs), "a person's file");
    } finally {
      await r.shutdown();
    }
  });
});

Deno.test("sweepTempFiles() keeps a live writer's fresh temp file and folders, removes dead or old ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-sweep-" });
  try {
    const target = join(dir, "approved_decisions.jsonl");
    const name = (pid: number, r: string) => join(dir, `.approved_decisions.jsonl.${pid}.${r}.tmp`);
    await Deno.writeTextFile(name(11, "00000001"), "live, fresh");
    await Deno.writeTextFile(name(12, "00000002"), "live, old");
    await Deno.writeTextFile(name(13, "00000003"), "dead");
    await Deno.mkdir(name(13, "00000004"));
    await Deno.utime(name(12, "00000002"), new Date(0), new Date(0));
    const removed = await sweepTempFiles(target, { isAlive: (pid) => pid !== 13 });
    assert.deepEqual(removed, [name(12, "00000002"), name(13, "00000003")]);
    assert.deepEqual(await listing(dir), [
      ".approved_decisions.jsonl.11.00000001.tmp",
      ".approved_decisions.jsonl.13.00000004.tmp",
    ]);
    assert.deepEqual(await sweepTempFiles(join(dir, "missing", "x.jsonl")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
