/**
 * Issue #16 item 13 with a real kill -9: the reviewer task (started with the
 * permissions deno.json grants it) is frozen while `submit_batch` has its temp
 * file open, then SIGKILLed. The approved file stays whole, the temp file is
 * left behind, and the next start sweeps it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeReviewFixture } from "../tests/fixtures/write_review_fixture.ts";
import { readApprovedDecisions } from "../lib/decisions/mod.ts";
import { serveReviewer } from "./server.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const TEMP = /^\.approved_decisions\.jsonl\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** The `deno run` flags deno.json's `review` task grants. */
async function reviewFlags(): Promise<string[]> {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
  const cmd: string = tasks.review.command;
  const m = /^deno run (.*) tasks\/review\.ts$/.exec(cmd);
  assert.ok(m !== null, cmd);
  return m[1]!.split(/\s+/);
}

function temps(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => TEMP.test(n));
}

Deno.test("a reviewer SIGKILLed mid submit_batch leaves a whole approved file; its temp file is swept at the next start", async () => {
  const root = await Deno.makeTempDir({ prefix: "keeper-review-kill-" });
  try {
    const fx = await writeReviewFixture(root, { groups: 40, seed: 3 });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        ...await reviewFlags(),
        "tasks/review.ts",
        "--port",
        "0",
        "--decisions",
        fx.decisionsPath,
        "--sandbox",
        root,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    let killed = false;
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      let url: string | null = null;
      while (url === null) {
        const { value, done } = await reader.read();
        assert.ok(!done, `reviewer ended early: ${said}`);
        said += value;
        url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(said)?.[1] ?? null;
      }
      const page = await (await fetch(url)).text();
      const token = /name="keeper-token" content="([^"]+)"/.exec(page)![1]!;
      const headers = {
        "content-type": "application/json",
        "x-keeper-token": token,
        origin: url.slice(0, -1),
      };
      let n = 0;
      const post = (path: string, body: object) =>
        fetch(`${url}api/automation/${path}`, {
          method: "POST",
          headers,
          body: JSON.stringify({ request_id: `req_${String(++n).padStart(8, "0")}`, ...body }),
        });
      for (const d of fx.decisions) {
        const res = await post("submit_decision", {
          group_id: d.group_id,
          action: "approve",
          final_choice: d.step1_selection.chosen_index,
          crop_coords: null,
          seconds_spent: 1,
        });
        assert.equal(res.status, 200, await res.text());
      }
      const first = await post("submit_batch", {});
      assert.equal((await first.json()).written, fx.decisions.length);
      // Batches back to back; freeze the reviewer the moment a temp file is seen, and kill
      // it only if the temp file is still there while it is frozen (mid-write for sure).
      const firing = (async () => {
        while (!killed) {
          try {
            await (await post("submit_batch", {})).body?.cancel();
          } catch {
            return; // the server is gone
          }
        }
      })();
      const deadline = Date.now() + 60_000;
      let left: string[] = [];
      while (!killed && Date.now() < deadline) {
        if (temps(root).length === 0) {
          await new Promise((r) => setTimeout(r, 0));
          continue;
        }
        child.kill("SIGSTOP");
        left = temps(root);
        if (left.length > 0) {
          child.kill("SIGKILL");
          killed = true;
        } else child.kill("SIGCONT");
      }
      assert.ok(killed, "no submit_batch temp file seen in 60 s");
      await child.status; // reaped: its pid is no longer running
      await firing;
      await reader.cancel();
      assert.equal(Number(TEMP.exec(left[0]!)![1]), child.pid);
      assert.deepEqual(temps(root), left, "the kill left the temp file");
      // Readers see the last whole file (the first batch's or a later one): every group once.
      const approved = await readApprovedDecisions(join(root, "approved_decisions.jsonl"));
      assert.equal(approved.length, fx.decisions.length);

      const again = await serveReviewer(fx.decisionsPath, { port: 0 });
      try {
        assert.deepEqual(again.sweptTempFiles, left.map((f) => join(root, f)));
        assert.deepEqual(temps(root), []);
      } finally {
        await again.shutdown();
      }
    } finally {
      if (!killed) {
        child.kill("SIGKILL");
        await child.status;
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
