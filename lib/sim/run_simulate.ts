/**
 * `runSimulate()`: simulate creator projects and, when asked, write a contact sheet and the
 * original's CLIP cache for the logged history (what `deno task simulate` does).
 *
 * @module
 */
import { renderContactSheet } from "./contact_sheet.ts";
import {
  deleteRejectedVariants,
  type EmbeddingCacheSummary,
  writeEmbeddingCache,
} from "./embedding_cache.ts";
import { simulate, type SimulateOptions } from "./simulate.ts";
import type { SimSummary } from "./types.ts";

/** Options for {@linkcode runSimulate}: {@linkcode simulate}'s, plus the extra outputs. */
export interface RunSimulateOptions extends SimulateOptions {
  /** Also write a contact sheet PNG here; null: none. */
  contactSheet?: string | null;
  /**
   * Also write the original's CLIP cache for the logged history with this ONNX encoder, then
   * delete the rejected variants' image files; null: no cache.
   */
  embeddingCache?: string | null;
  /** With `embeddingCache`: keep the rejected variants' files. */
  keepRejected?: boolean;
}

const defaults = {
  contactSheet: null,
  embeddingCache: null,
  keepRejected: false,
} satisfies Required<Pick<RunSimulateOptions, "contactSheet" | "embeddingCache" | "keepRejected">>;

/** The original's CLIP cache {@linkcode runSimulate} wrote, and the files it deleted. */
export type SimEmbeddingCache = EmbeddingCacheSummary & { rejected_files_deleted: number };

/** What {@linkcode runSimulate} wrote. */
export interface RunSimulateResult {
  summary: SimSummary;
  /** The CLIP cache, or null without `embeddingCache`. */
  cache: SimEmbeddingCache | null;
}

/**
 * Simulate creator projects into `out` ({@linkcode simulate}), then write the contact sheet
 * and the original-layout CLIP cache when asked.
 *
 * @param out Output folder.
 * @param options Simulator options, contact sheet file, CLIP cache encoder.
 * @returns The simulation summary and the CLIP cache written (or null).
 * @example
 * ```ts
 * const { summary } = await runSimulate("/tmp/sim", { scale: 0.25, groups: 100, heldout: 40 });
 * console.log(summary.images);
 * ```
 */
export async function runSimulate(
  out: string,
  options: RunSimulateOptions = {},
): Promise<RunSimulateResult> {
  const { contactSheet, embeddingCache, keepRejected, ...simOptions } = {
    ...defaults,
    ...options,
  };
  const summary = await simulate(out, simOptions);
  if (contactSheet) await Deno.writeFile(contactSheet, await renderContactSheet(summary.out));
  let cache: SimEmbeddingCache | null = null;
  if (embeddingCache) {
    const written = await writeEmbeddingCache(summary.out, { model: { path: embeddingCache } });
    const gone = keepRejected
      ? { deleted: 0, absent: 0 }
      : await deleteRejectedVariants(summary.out);
    cache = { ...written, rejected_files_deleted: gone.deleted };
  }
  return { summary, cache };
}
