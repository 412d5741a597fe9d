/**
 * Render worker: renders and writes the groups the main thread sends it, so
 * that pixel loops run on more than one core. Message in: {@linkcode WorkerJob};
 * message out: {@linkcode WorkerReply}.
 *
 * @module
 */
import { writeGroup } from "./_files.ts";
import { loadPhotos, type PhotoCatalog, type PhotoSet, renderGroup } from "./_render.ts";
import type { GroupPlan } from "./types.ts";

/** One group to render and write. */
export interface WorkerJob {
  id: number;
  out: string;
  plan: GroupPlan;
  level: number;
  photosDir: string;
  catalog: PhotoCatalog;
}

/** The outcome of one job. */
export interface WorkerReply {
  id: number;
  error?: string;
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerJob>) => void) | null;
  postMessage(message: WorkerReply): void;
};

let photos: Promise<PhotoSet> | undefined;

scope.onmessage = async (e: MessageEvent<WorkerJob>): Promise<void> => {
  const job = e.data;
  try {
    photos ??= loadPhotos(job.photosDir, job.catalog);
    const images = await renderGroup(job.plan, await photos);
    await writeGroup(job.out, job.plan, images, job.level);
    scope.postMessage({ id: job.id });
  } catch (err) {
    scope.postMessage({
      id: job.id,
      error: err instanceof Error ? err.stack ?? err.message : String(err),
    });
  }
};
