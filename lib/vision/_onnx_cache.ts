/**
 * The disk cache of converted models: `<dir>/<version>.onnx` plus `<version>.json` (small
 * metadata the decoder needs), written atomically after the first conversion.
 *
 * @module
 */
import { join } from "node:path";
import { fileSha256, sweepTempFiles, writeFileAtomic } from "../fs/mod.ts";

/** A converted model and its metadata. */
export interface CachedOnnx<M> {
  /** Encoded ONNX model. */
  bytes: Uint8Array;
  /** Whatever the decoder needs besides the graph. */
  meta: M;
  /** Path of the cached `.onnx` (null when the folder could not be written). */
  cached: string | null;
  /** True when this call converted (no cached file was found). */
  converted: boolean;
}

/**
 * Read the conversion of `source` by converter `version` from `dir`, or run `convert()` and
 * write its result there. The file name holds the converter version and a hash of the source
 * `model.json`, so a new converter or a new model (package upgrade) converts again.
 *
 * @param dir Cache folder (created when missing; unwritable is fine: the model stays in memory).
 * @param version Converter version.
 * @param source The tfjs `model.json` converted.
 * @param convert The conversion.
 * @returns The model.
 */
export async function loadOrConvert<M>(
  dir: string,
  version: string,
  source: string,
  convert: () => Promise<{ bytes: Uint8Array; meta: M }>,
): Promise<CachedOnnx<M>> {
  const hash = (await fileSha256(source)).slice(0, 12);
  const stem = join(dir, `${version.replace(/[^a-z0-9]+/gi, "-")}-${hash}`);
  try {
    const meta = JSON.parse(await Deno.readTextFile(`${stem}.json`));
    if (meta?.version === version && meta.meta !== undefined) {
      return {
        bytes: await Deno.readFile(`${stem}.onnx`),
        meta: meta.meta as M,
        cached: `${stem}.onnx`,
        converted: false,
      };
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound || e instanceof SyntaxError)) throw e;
  }
  const { bytes, meta } = await convert();
  let cached: string | null = `${stem}.onnx`;
  try {
    // A conversion killed before its rename left a temp file (tens of MB): sweep it first.
    for (const ext of [".onnx", ".json"]) await sweepTempFiles(`${stem}${ext}`);
    await writeFileAtomic(`${stem}.onnx`, bytes);
    // The metadata goes last: a reader that finds it also finds the whole model.
    await writeFileAtomic(`${stem}.json`, JSON.stringify({ version, meta }));
  } catch (e) {
    // No write permission (NotCapable) or a read-only node_modules (EACCES / EROFS) still
    // works: the model stays in memory.
    const readOnly = e instanceof Deno.errors.NotCapable ||
      e instanceof Deno.errors.PermissionDenied || (e as { code?: string }).code === "EROFS";
    if (!readOnly) throw e;
    cached = null;
  }
  return { bytes, meta, cached, converted: true };
}
