/**
 * Read the ingested store written by `ingestLogs`.
 *
 * @module
 */
import type { CropLabel, KeptLabel, SelectionSet } from "../types.ts";
import { readJsonl } from "./_jsonl.ts";

/** Options for {@linkcode readIngested}. */
export interface ReadIngestedOptions {
  /** Include crop rows flagged `recrop` (second passes over already-cropped files). */
  recrops?: boolean;
}

const defaults = { recrops: false } satisfies Required<ReadIngestedOptions>;

/** The records of an ingested store. */
export interface IngestedStore {
  selections: SelectionSet[];
  crops: CropLabel[];
  kept: KeptLabel[];
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
  return store;
}
