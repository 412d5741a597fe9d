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
  size: number;
  offset: number;
  matching: number;
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

let queue: Promise<unknown> = Promise.resolve();

/** POST a JSON body (with a fresh request id) after every earlier POST has finished. */
export function postJson<T>(path: string, body: Record<string, unknown>): Promise<T> {
  const run = async () =>
    await answer<T>(
      await fetch(path, {
        method: "POST",
        headers: { "content-type": "application/json", "x-keeper-token": token },
        body: JSON.stringify({ request_id: requestId(), ...body }),
      }),
    );
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

/** Resolve once every queued POST has settled. */
export async function drain(): Promise<void> {
  await queue;
}
