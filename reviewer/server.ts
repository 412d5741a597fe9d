/**
 * Serve the reviewer on 127.0.0.1: load the decisions, open the review
 * store, build the app, listen. Nothing else binds a socket.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { readAutomationDecisions } from "../lib/decisions/mod.ts";
import { sweepTempFiles, sweepTempFilesIn } from "../lib/fs/mod.ts";
import { ReviewStore } from "../lib/review/mod.ts";
import { createApp } from "./app.ts";
import { loadAssets } from "./assets.ts";
import { assertStatePath, sqliteCompanions } from "./_state_paths.ts";

/** Options for {@linkcode serveReviewer}. */
export interface ServeReviewerOptions {
  /** TCP port; 0 picks a free one (default 8080). */
  port?: number;
  /** Sandbox root (default: the folder holding the decisions file). */
  sandboxRoot?: string;
  /** Review state file (default `<sandbox>/review_state.sqlite`). */
  statePath?: string;
  /** Output file (default `<sandbox>/approved_decisions.jsonl`). */
  approvedPath?: string;
  /** Disk thumbnail cache (default `<sandbox>/.thumbs`; null: memory only). */
  thumbDir?: string | null;
}

const defaults = { port: 8080 } satisfies ServeReviewerOptions;

/** A running reviewer. */
export interface RunningReviewer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** Groups loaded. */
  groups: number;
  /** Temp files of interrupted `submit_batch` writes removed at start. */
  sweptTempFiles: string[];
  /** Stop listening, finish open requests and close the store. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/**
 * Start the reviewer for one decisions file. State files and folders that
 * are links or resolve outside the sandbox are refused before anything is
 * opened; temp files of an interrupted `submit_batch` are swept.
 *
 * @param decisionsPath `automation_decisions.jsonl`.
 * @param options Port and paths.
 * @returns The running server.
 * @example
 * ```ts
 * const r = await serveReviewer("sandbox/automation_decisions.jsonl", { port: 0 });
 * console.log(r.url);
 * await r.shutdown();
 * ```
 */
export async function serveReviewer(
  decisionsPath: string,
  options: ServeReviewerOptions = {},
): Promise<RunningReviewer> {
  const opts = { ...defaults, ...options };
  const root = resolve(opts.sandboxRoot ?? dirname(decisionsPath));
  try {
    await Deno.stat(decisionsPath);
  } catch {
    throw new Error(`Cannot start reviewer: decisions file "${decisionsPath}" does not exist`);
  }
  const decisions = await readAutomationDecisions(decisionsPath);
  const statePath = opts.statePath ?? join(root, "review_state.sqlite");
  const approvedPath = opts.approvedPath ?? join(root, "approved_decisions.jsonl");
  const thumbDir = opts.thumbDir === undefined ? join(root, ".thumbs") : opts.thumbDir;
  // Refuse planted links before anything is opened: SQLite follows a linked
  // database file and creates its -wal/-shm beside the link's target.
  if (statePath !== ":memory:") {
    for (const p of sqliteCompanions(statePath)) {
      await assertStatePath(root, p, { what: "review state file" });
    }
  }
  await assertStatePath(root, approvedPath, { what: "approved decisions file" });
  if (thumbDir !== null) {
    await assertStatePath(root, thumbDir, { what: "thumbnail folder", kind: "dir" });
  }
  // Temp files a kill -9 left: of submit_batch, and of thumbnails being cached.
  const sweptTempFiles = [
    ...await sweepTempFiles(approvedPath),
    ...(thumbDir === null ? [] : await sweepTempFilesIn(thumbDir)),
  ];
  const store = ReviewStore.open(statePath);
  const token = Array.from(
    crypto.getRandomValues(new Uint8Array(24)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const app = createApp({
    decisions,
    store,
    sandboxRoot: root,
    approvedPath,
    token,
    thumbDir,
    assets: loadAssets(),
  });
  const ac = new AbortController();
  let port = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: opts.port,
    signal: ac.signal,
    onListen: (addr) => {
      port = addr.port;
    },
  }, app.fetch);
  const finished = server.finished.then(() => store.close());
  return {
    url: `http://127.0.0.1:${port || server.addr.port}/`,
    groups: decisions.length,
    sweptTempFiles,
    finished,
    shutdown: async () => {
      ac.abort();
      await finished;
    },
  };
}
