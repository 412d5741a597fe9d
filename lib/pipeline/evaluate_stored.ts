/**
 * `evaluateStored()`: evaluate the saved models on a creator's stored data
 * (ingested store, feature cache, image roots), as `deno task evaluate` and
 * the notebooks do; writes the report only when asked (`report`).
 *
 * @module
 */
import { dirname } from "node:path";
import { readIngested } from "../logs/mod.ts";
import { readRankerModel } from "../rank/mod.ts";
import { loadCropProposer } from "../crop/mod.ts";
import { type GroundTruthLike, groundTruthPaths, heldoutFromGroundTruth } from "./dataset.ts";
import { type Coverage, coverageErrors } from "../eval/mod.ts";
import { evaluateAll, type EvaluateResult } from "./evaluate_all.ts";
import { loadDataset } from "./load_dataset.ts";
import { writeReport } from "./write_report.ts";
import { imageRoots } from "./_image_roots.ts";

/** Options for {@linkcode evaluateStored}. */
export interface EvaluateStoredOptions {
  /** The feature cache. */
  cache?: string;
  /** Image roots (labels are found by project and file name under them). */
  images?: readonly string[];
  /** The sandbox, searched too when it is a folder (`apply` moves reviewed files there). */
  sandbox?: string | null;
  /** Report folder to write report.json, report.md and the charts to; null: write nothing. */
  report?: string | null;
  /** Simulator ground truth (held-out groups become the test sets); null: split the history. */
  groundTruth?: string | null;
  /** ONNX encoder for images with no cached or imported vector. */
  encoder?: string | null;
  /** Label kinds allowed to end with 0 usable examples. */
  allowEmpty?: readonly string[];
  leaveOneProjectOut?: boolean;
  onStep?: (line: string) => void;
  /**
   * Called with the label coverage and its errors (one line each) before an
   * error is thrown for them, so a command can print the coverage first.
   */
  onCoverage?: (coverage: Coverage, errors: string[]) => void;
}

const defaults = {
  cache: "data/cache/features.sqlite",
  images: ["."],
  sandbox: null,
  report: null,
  groundTruth: null,
  encoder: null,
  allowEmpty: [],
  leaveOneProjectOut: false,
  onStep: () => {},
  onCoverage: () => {},
} satisfies Required<EvaluateStoredOptions>;

/** What {@linkcode evaluateStored} returns. */
export interface EvaluateStoredResult {
  result: EvaluateResult;
  coverage: Coverage;
  /** Held-out ground-truth groups: records read and skipped for want of features. */
  heldout: { records: number; skipped: number };
  /** The report files written (empty without `report`). */
  files: string[];
}

/**
 * Evaluate the models in `models` on the ingested store in `ingested`.
 * A label kind with labels but no usable example is an error (see
 * `coverageErrors`), as in `deno task evaluate`.
 *
 * @param ingested The ingested store folder.
 * @param models The model folder.
 * @param options Cache, image roots, ground truth, progress.
 * @returns The evaluation, the label coverage and the held-out counts.
 * @example
 * ```ts
 * const { result } = await evaluateStored("data/ingested", "data/ai_data/models", { images: ["art"] });
 * ```
 */
export async function evaluateStored(
  ingested: string,
  models: string,
  options: EvaluateStoredOptions = {},
): Promise<EvaluateStoredResult> {
  const o = { ...defaults, ...options };
  // The store first: a missing store is the error to report, before any model is read.
  const store = await readIngested(ingested);
  const truth: GroundTruthLike[] = o.groundTruth === null ? [] : (await Deno.readTextFile(
    o.groundTruth,
  )).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const gtRoot = o.groundTruth === null ? "." : dirname(o.groundTruth);
  const rankerFeatures = await readRankerModel(models).then(
    (m) => (m.meta.hyperparameters["features"] as string[] | undefined) ?? ["builtin"],
    () => ["builtin"],
  );
  const crop = await loadCropProposer(models);
  const features = [...new Set([...rankerFeatures, ...crop.blocks])];
  crop.dispose();
  const { dataset: ds, byPath } = await loadDataset(store, {
    cache: o.cache,
    features,
    images: await imageRoots(o.images, o.sandbox),
    encoder: o.encoder === null ? null : { path: o.encoder },
    extraPaths: groundTruthPaths(truth, gtRoot),
  });
  const coverage = ds.coverage!;
  const errors = coverageErrors(coverage, { allowEmpty: o.allowEmpty, command: "evaluate" });
  o.onCoverage(coverage, errors);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  const heldout = { records: truth.filter((r) => r.split === "heldout").length, skipped: 0 };
  if (truth.length > 0) {
    const held = heldoutFromGroundTruth(truth, byPath, gtRoot);
    if (held.groups.length === 0 && held.crops.length === 0) {
      const first = groundTruthPaths(truth, gtRoot)[0] ?? "(no held-out member)";
      throw new Error(
        `Cannot evaluate: 0 of ${heldout.records} held-out ground-truth groups have features ` +
          `(member paths are relative to ${gtRoot}; e.g. ${first})`,
      );
    }
    heldout.skipped = held.skipped;
    ds.heldout = { groups: held.groups, crops: held.crops };
  }
  const result = await evaluateAll(ds, {
    modelDir: models,
    leaveOneProjectOut: o.leaveOneProjectOut,
    onStep: o.onStep,
  });
  const files = o.report === null ? [] : await writeReport(o.report, result);
  return { result, coverage, heldout, files };
}
