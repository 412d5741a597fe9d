/**
 * Test helpers: an app over a fixture batch in a temp sandbox.
 *
 * @module
 */
import { join } from "node:path";
import type { AutomationDecision } from "../lib/types.ts";
import { ReviewStore } from "../lib/review/mod.ts";
import { writeReviewFixture } from "../tests/fixtures/write_review_fixture.ts";
import { createApp } from "./app.ts";
import type { Hono } from "hono";

/** Fixed token used by tests. */
export const TOKEN = "t0ken_for_tests_0123456789abcdef";

/** A test app and what it was built from. */
export interface TestApp {
  app: Hono;
  store: ReviewStore;
  root: string;
  approvedPath: string;
  decisions: AutomationDecision[];
  [Symbol.asyncDispose](): Promise<void>;
}

/** Build an app over `groups` fixture groups; `edit` may change decisions first. */
export async function testApp(
  groups = 8,
  edit: (d: AutomationDecision[], root: string) => Promise<void> | void = () => {},
  thumbDir: string | null = null,
): Promise<TestApp> {
  const root = await Deno.makeTempDir({ prefix: "keeper-reviewer-" });
  const fx = await writeReviewFixture(root, { groups, seed: 7 });
  await edit(fx.decisions, root);
  const store = ReviewStore.open(":memory:");
  const approvedPath = join(root, "approved_decisions.jsonl");
  let n = 0;
  const app = createApp({
    decisions: fx.decisions,
    store,
    sandboxRoot: root,
    approvedPath,
    token: TOKEN,
    thumbDir,
    assets: { js: () => Promise.resolve("/*js*/"), css: () => Promise.resolve("/*css*/") },
    now: () => new Date(Date.UTC(2025, 6, 8, 7, 0, n++)),
  });
  return {
    app,
    store,
    root,
    approvedPath,
    decisions: fx.decisions,
    async [Symbol.asyncDispose]() {
      store.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Headers of a well-formed POST. */
export function goodHeaders(): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-keeper-token": TOKEN,
    origin: "http://localhost",
    "sec-fetch-site": "same-origin",
  };
}

let ids = 0;
/** A fresh valid request id. */
export function rid(): string {
  return `req_${String(++ids).padStart(8, "0")}`;
}

/** POST JSON through the app with good headers (overridable). */
export async function post(
  app: Hono,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return await app.request(path, {
    method: "POST",
    headers: { ...goodHeaders(), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
