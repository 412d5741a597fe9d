/**
 * The README's "Use keeper on your own projects" sequence, run exactly as
 * written (only `C` points at a temp folder), on a simulated creator laid out
 * like the original tool leaves things. The review step is the one a person
 * does in the browser: here scripted from the simulator's ground truth
 * through the review page's own HTTP API.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";

const REPO = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The README section's shell lines: continuations joined, comments dropped. */
async function readmeCommands(): Promise<string[]> {
  const text = await Deno.readTextFile(join(REPO, "README.md"));
  const section = /<!-- section:own-projects -->([\s\S]*?)<!-- \/section:own-projects -->/.exec(
    text,
  )?.[1];
  assert.ok(section, "README has no own-projects section");
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, "the own-projects section has no sh block");
  const out: string[] = [];
  let pending = "";
  for (const raw of block.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trimEnd();
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full !== "") out.push(full);
  }
  return out;
}

/** Split a command line into words (the README uses no quoting). */
function words(line: string, vars: Record<string, string>): string[] {
  return line.split(/\s+/).map((w) => w.replace(/\$([A-Z_]+)/g, (_, v) => vars[v] ?? ""));
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function task(args: string[], env: Record<string, string>): Promise<Run> {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: REPO, env }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Every file under `dir` with its content hash (relative paths, sorted). */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const h = createHash("sha256").update(await Deno.readFile(p)).digest("hex");
        out.push(`${p.slice(dir.length + 1)} ${h.slice(0, 16)}`);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

/** Coverage lines of train's summary: kind → [labels, found, missing]. */
function coverage(stdout: string): Map<string, [number, number, number]> {
  const out = new Map<string, [number, number, number]>();
  for (const m of stdout.matchAll(/^ {4}(\w+): (\d+) labels, (\d+) found, (\d+) missing/gm)) {
    out.set(m[1]!, [Number(m[2]), Number(m[3]), Number(m[4])]);
  }
  return out;
}

interface Truth {
  split: string;
  members: { filename: string }[];
  chosen_index: number;
  needs_crop: boolean;
  crop_box: [number, number, number, number] | null;
}

interface Decision {
  group_id: string;
  images: { path: string }[];
  step1_selection: { chosen_index: number };
}

/** The person at the review page: keeps what the ground truth kept, crops as it cropped. */
async function scriptedReview(
  url: string,
  decisionsFile: string,
  truth: Truth[],
): Promise<{ approve: number; override: number }> {
  const origin = new URL(url).origin;
  const page = await (await fetch(origin + "/")).text();
  const token = /name="keeper-token" content="([^"]+)"/.exec(page)?.[1];
  assert.ok(token, "the review page carries no token");
  // The groups the page shows, as decide wrote them.
  const decisions = (await Deno.readTextFile(decisionsFile)).trim().split("\n")
    .map((l) => JSON.parse(l) as Decision);
  const shown = await fetch(origin + "/api/automation/load_batch?size=100");
  assert.equal(shown.status, 200);
  assert.equal((await shown.json() as { matching: number }).matching, decisions.length);
  const byName = new Map<string, Truth>();
  for (const t of truth) {
    if (t.split === "heldout") { for (const m of t.members) byName.set(m.filename, t); }
  }
  const counts = { approve: 0, override: 0 };
  for (const [i, d] of decisions.entries()) {
    const names = d.images.map((im) => im.path.slice(im.path.lastIndexOf("/") + 1));
    const t = byName.get(names[0]!);
    assert.ok(t, `no ground truth for ${names[0]}`);
    const pick = names.indexOf(t.members[t.chosen_index]!.filename);
    assert.ok(pick >= 0, `the truth's pick is not in group ${d.group_id}`);
    const action = pick === d.step1_selection.chosen_index ? "approve" : "override";
    counts[action]++;
    const res: Response = await fetch(origin + "/api/automation/submit_decision", {
      method: "POST",
      headers: { origin, "content-type": "application/json", "x-keeper-token": token },
      body: JSON.stringify({
        group_id: d.group_id,
        action,
        final_choice: pick,
        crop_coords: t.needs_crop ? t.crop_box : null,
        seconds_spent: 4,
        request_id: `flow-review-${i}`,
      }),
    });
    assert.equal(res.status, 200, await res.text());
  }
  // "Submit batch": writes approved_decisions.jsonl into the sandbox.
  const submitted: Response = await fetch(origin + "/api/automation/submit_batch", {
    method: "POST",
    headers: { origin, "content-type": "application/json", "x-keeper-token": token },
    body: JSON.stringify({ request_id: "flow-submit-batch" }),
  });
  const body = await submitted.text();
  assert.equal(submitted.status, 200, body);
  assert.equal((JSON.parse(body) as { written: number }).written, decisions.length);
  return counts;
}

Deno.test({
  name: "README 'Use keeper on your own projects' runs as written on an original-layout creator",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "keeper_own_projects_" });
    const env = { KEEPER_WORKSPACE: join(tmp, "keeper.workspace.json"), NO_COLOR: "1" };
    const vars: Record<string, string> = {};
    const trains: Run[] = [];
    const ingests: Run[] = [];
    let reviewed = { approve: 0, override: 0 };
    let before: string[] = [];
    try {
      const lines = await readmeCommands();
      assert.ok(lines.length <= 40, "the README sequence is short");
      for (const line of lines) {
        const assign = /^([A-Z_]+)=(\S+)$/.exec(line);
        if (assign) {
          // The only change to the README's lines: C points at a temp folder.
          vars[assign[1]!] = join(tmp, "c");
          continue;
        }
        const argv = words(line, vars);
        assert.equal(`${argv[0]} ${argv[1]}`, "deno task", `not a deno task: ${line}`);
        const name = argv[2]!;
        const args = ["task", ...argv.slice(2)];
        if (name === "review") {
          const child = new Deno.Command(Deno.execPath(), {
            args: [...args, "--port", "0"],
            cwd: REPO,
            env,
            stdout: "piped",
            stderr: "piped",
          }).spawn();
          const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
          let seen = "";
          while (!/open (http:\/\/\S+)/.test(seen)) {
            const { value, done } = await reader.read();
            if (done) break;
            seen += value;
          }
          const url = /open (http:\/\/\S+)/.exec(seen)?.[1];
          assert.ok(url, `review printed no URL: ${seen}`);
          const truth = (await Deno.readTextFile(join(vars["C"]!, "ground_truth.jsonl")))
            .trim().split("\n").map((l) => JSON.parse(l) as Truth);
          try {
            const file = join(vars["C"]!, "sandbox", "automation_decisions.jsonl");
            reviewed = await scriptedReview(url, file, truth);
          } finally {
            child.kill("SIGINT");
            reader.releaseLock();
            await child.stdout.cancel().catch(() => {});
            await child.stderr.cancel().catch(() => {});
            await child.status;
          }
          continue;
        }
        const newBatch = join(vars["C"]!, "sandbox", "new");
        if (name === "apply" && !argv.includes("--commit") && !argv.includes("--rollback")) {
          before = await tree(newBatch);
        }
        const r = await task(args, env);
        assert.equal(r.code, 0, `${line}\n${r.stdout}\n${r.stderr}`);
        if (name === "train") trains.push(r);
        if (name === "ingest") ingests.push(r);
        if (name === "decide") {
          const file = join(vars["C"]!, "sandbox", "automation_decisions.jsonl");
          const n = (await Deno.readTextFile(file)).trim().split("\n").length;
          assert.ok(n >= 5, `decisions written: ${n}`);
        }
        if (name === "apply" && !argv.includes("--commit") && !argv.includes("--rollback")) {
          assert.match(r.stdout, /dry run: nothing moved/);
          assert.deepEqual(await tree(newBatch), before, "a dry run moved a file");
        }
        if (name === "apply" && argv.includes("--commit") && argv.includes("first")) {
          assert.notDeepEqual(await tree(newBatch), before, "the committed apply moved nothing");
        }
        if (name === "apply" && argv.includes("--rollback")) {
          assert.deepEqual(await tree(newBatch), before, "rollback did not restore the batch");
        }
      }
      // Every label kind of the creator's history found, before and after the reviews.
      assert.equal(trains.length, 2);
      for (const t of trains) {
        const cov = coverage(t.stdout);
        assert.ok(cov.has("selection_log") && cov.has("crop"), t.stdout);
        for (const [kind, [labels, found, missing]] of cov) {
          assert.ok(labels > 0 && found === labels && missing === 0, `${kind}: ${t.stdout}`);
        }
      }
      // The retrain counts every approved and overridden group, though apply moved its files.
      const reviews = reviewed.approve + reviewed.override;
      assert.ok(reviews >= 5, JSON.stringify(reviewed));
      const last = trains[1]!.stdout;
      assert.deepEqual(coverage(last).get("review"), [reviews, reviews, 0], last);
      assert.match(last, new RegExp(`reviews: ${reviews} sets and \\d+ crops from reviews`));
      assert.match(ingests[1]!.stdout, /approved_decisions\.jsonl: review_decisions/);
      assert.match(trains[0]!.stdout, /reviews: 0 sets/);
    } finally {
      // KEEPER_FLOW_KEEP=1 keeps the creator folder for a look after a failure.
      if (Deno.env.get("KEEPER_FLOW_KEEP")) console.error(`kept ${tmp}`);
      else await Deno.remove(tmp, { recursive: true });
    }
  },
});
