/**
 * Read the ingested store written by `ingestLogs`.
 *
 * @module
 */
import type { CropLabel, KeptLabel, SelectionSet } from "../types.ts";
import type { ProjectManifest } from "../paths/mod.ts";
import { readJsonl } from "./_jsonl.ts";

/** Options for {@linkcode readIngested}. */
export interface ReadIngestedOptions {
  /** Include crop rows flagged `recrop` (second passes over already-cropped files). */
  recrops?: boolean;
}

const defaults = { recrops: false } satisfies Required<ReadIngestedOptions>;

/** The projects an ingest resolved with (`projects.json`). */
export interface IngestedProjects {
  manifests: ProjectManifest[];
  /** Project-map aliases: name → project id. */
  aliases: Record<string, string>;
}

/** The records of an ingested store. */
export interface IngestedStore {
  selections: SelectionSet[];
  crops: CropLabel[];
  kept: KeptLabel[];
  /** The manifests and aliases of the ingest (absent in stores written before it was kept). */
  projects?: IngestedProjects;
}

/**
 * Load `selections.jsonl`, `crops.jsonl` and `kept.jsonl` from a store folder.
 * Re-crop rows are left out unless asked for.
 *
 * @param dir The store folder (e.g. `data/ingested`).
 * @param options Whether to include re-crops.
 * @returns The records.
 * @throws {TypeError} When the folder is not an ingested store.
 * @example
 * ```ts
 * const { selections, crops } = await readIngested("data/ingested");
 * ```
 */
export async function readIngested(
  dir: string,
  options: ReadIngestedOptions = {},
): Promise<IngestedStore> {
  const { recrops } = { ...defaults, ...options };
  for (const n of ["selections", "crops", "kept"]) {
    try {
      await Deno.stat(`${dir}/${n}.jsonl`);
    } catch (cause) {
      throw new TypeError(
        `Cannot read ingested store: "${dir}/${n}.jsonl" is missing (run \`deno task ingest\`)`,
        { cause },
      );
    }
  }
  const store: IngestedStore = { selections: [], crops: [], kept: [] };
  for await (const s of readJsonl<SelectionSet>(`${dir}/selections.jsonl`)) {
    store.selections.push(s);
  }
  for await (const c of readJsonl<CropLabel>(`${dir}/crops.jsonl`)) {
    if (recrops || c.recrop !== true) store.crops.push(c);
  }
  for await (const k of readJsonl<KeptLabel>(`${dir}/kept.jsonl`)) store.kept.push(k);
  let projectsText: string | null = null;
  try {
    projectsText = await Deno.readTextFile(`${dir}/projects.json`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (projectsText !== null) {
    try {
      const p = JSON.parse(projectsText) as IngestedProjects;
      if (!Array.isArray(p.manifests) || typeof p.aliases !== "object") throw new Error("shape");
      store.projects = p;
    } catch (cause) {
      throw new SyntaxError(
        `Cannot read ingested store: "${dir}/projects.json" is not {manifests, aliases} JSON`,
        { cause },
      );
    }
  }
  return store;
}
