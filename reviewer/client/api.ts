/**
 * The page's calls to the reviewer API: token and JSON handling, one queue so
 * POSTs reach the server in the order the keys were pressed.
 *
 * @module
 */
import type { GroupView, ProgressView } from "../_views.ts";
import type { Box, ReviewAction } from "../../lib/types.ts";
import type { ReviewEntry, ReviewStats } from "../../lib/review/mod.ts";

export type { Box, GroupView, ProgressView, ReviewAction, ReviewEntry, ReviewStats };

/** A `load_batch` answer. */
export interface Batch {
  filter: string;
  order: string;
  project: string | null;
  projects: string[];
  size: number;
  offset: number;
  matching: number;
  counts: { filters: Record<string, number>; projects: Record<string, number>; total: number };
  groups: GroupView[];
  progress: ProgressView;
  undo_depth: number;
}

/** A verdict as the page sends it. */
export interface Verdict {
  group_id: string;
  action: ReviewAction;
  final_choice: number | null;
  crop_coords: Box | null;
  manual_crop?: boolean;
  seconds_spent: number;
}

const token = document.querySelector<HTMLMetaElement>('meta[name="keeper-token"]')?.content ?? "";

/** A fresh request id (refused by the server if ever replayed). */
export function requestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function answer<T>(res: Response): Promise<T> {
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${res.status}`);
  return body as T;
}

/** GET a JSON route. */
export async function getJson<T>(path: string): Promise<T> {
  return await answer<T>(await fetch(path, { headers: { accept: "application/json" } }));
}

interface Job {
  path: string;
  body: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const jobs: Job[] = [];
let sending = false;
let onPending: (n: number) => void = () => {};

const send = (path: string, body: string): Promise<Response> =>
  // keepalive: a POST in flight when the page is closed or reloaded still completes.
  fetch(path, {
    method: "POST",
    keepalive: true,
    headers: { "content-type": "application/json", "x-keeper-token": token },
    body,
  });

function notify(): void {
  onPending(jobs.length + (sending ? 1 : 0));
}

async function pump(): Promise<void> {
  if (sending) return;
  sending = true;
  while (jobs.length > 0) {
    const job = jobs.shift()!;
    notify();
    try {
      job.resolve(await answer(await send(job.path, job.body)));
    } catch (error) {
      job.reject(error);
    }
  }
  sending = false;
  notify();
}

// Leaving the page: send whatever is still queued now, in order, as keepalive requests.
addEventListener("pagehide", () => {
  for (const job of jobs.splice(0)) send(job.path, job.body).catch(() => undefined);
});

/** Be told how many POSTs are queued or in flight (now, and on every change). */
export function watchPending(listener: (n: number) => void): void {
  onPending = listener;
  notify();
}

/** POST a JSON body (with a fresh request id) after every earlier POST has finished. */
export function postJson<T>(path: string, body: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    jobs.push({
      path,
      body: JSON.stringify({ request_id: requestId(), ...body }),
      resolve: resolve as (value: unknown) => void,
      reject,
    });
    notify();
    pump();
  });
}

/** Resolve once every queued POST has settled. */
export async function drain(): Promise<void> {
  while (sending || jobs.length > 0) await new Promise((r) => setTimeout(r, 10));
}
