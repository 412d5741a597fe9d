/**
 * One approval rate (issue #21 item 9): the review page's stats and
 * `deno task report`, computed on the same reviewed state, give the same
 * number — on a mix where counting skips differently would disagree
 * (5 approved of 12 reviewed, 3 of them skipped: 41.7 %, not 55.6 %).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { post, rid, testApp } from "../reviewer/_test_helpers.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

Deno.test("the review page's approval rate equals deno task report's on the same verdicts, skips included", async () => {
  await using t = await testApp(12);
  const plan = [
    ...Array(5).fill("approve"),
    ...Array(2).fill("override"),
    ...Array(2).fill("reject"),
    ...Array(3).fill("skip"),
  ] as string[];
  for (const [i, action] of plan.entries()) {
    const d = t.decisions[i]!;
    const ai = d.step1_selection.chosen_index;
    const final = action === "approve" ? ai : action === "override" ? (ai === 0 ? 1 : 0) : null;
    const res = await post(t.app, "/api/automation/submit_decision", {
      request_id: rid(),
      group_id: d.group_id,
      action,
      final_choice: final,
      crop_coords: null,
      seconds_spent: 2 + i,
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.body?.cancel();
  }
  const page = await (await t.app.request("/api/automation/stats")).json() as {
    approval_rate: number;
    approval_definition: string;
  };
  const written = await post(t.app, "/api/automation/submit_batch", { request_id: rid() });
  assert.equal(written.status, 200, await written.clone().text());
  await written.body?.cancel();

  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "report", "--sandbox", t.root, "--out", join(t.root, "report"), "--json"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const err = new TextDecoder().decode(r.stderr);
  assert.equal(r.code, 0, err);
  const lines = new TextDecoder().decode(r.stdout).trim().split("\n");
  const report = JSON.parse(lines.at(-1)!) as { groups: number; approval_rate: number };

  assert.equal(report.groups, 12);
  assert.equal(page.approval_rate, 5 / 12);
  assert.equal(report.approval_rate, page.approval_rate);
  assert.notEqual(page.approval_rate, 5 / 9, "skips are counted as reviewed");
  assert.match(page.approval_definition, /skip/);
});
