/**
 * The small JSON that describes an ONNX image encoder (OpenCLIP ViT-B-32
 * "openai" by default): tensor names, input side, preprocessing policy and
 * output dimension.
 *
 * @module
 */

/** Preprocessing version: bump when the pixel path changes (it is part of the cache key). */
export const PREPROCESS_VERSION = "clip-pre-v1";

/** Encoder configuration (the `--model-config` JSON, snake_case keys). */
export interface EncoderConfig {
  /** Name of the image input, shape `[N, 3, input_size, input_size]`. */
  input_name: string;
  /** Name of the embedding output, shape `[N, dim]`. */
  output_name: string;
  /** Side of the square input. */
  input_size: number;
  /** Embedding dimension. */
  dim: number;
  /** Per-channel mean (RGB, on 0-1 pixels). */
  mean: [number, number, number];
  /** Per-channel std (RGB). */
  std: [number, number, number];
  /** Only "shortest_side_bicubic_center_crop" (CLIP's) is implemented. */
  resize: "shortest_side_bicubic_center_crop";
  /** Largest batch the model accepts (1 for fixed-batch exports). */
  max_batch: number;
}

/** CLIP's defaults (OpenAI ViT-B/32 as exported by OpenCLIP). */
export const CLIP_DEFAULTS: EncoderConfig = {
  input_name: "image",
  output_name: "embedding",
  input_size: 224,
  dim: 512,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  resize: "shortest_side_bicubic_center_crop",
  max_batch: 32,
};

function isTriple(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === "number" && x !== 0);
}

/**
 * Validate a parsed config object, filling CLIP defaults for missing keys.
 *
 * @param raw Parsed JSON (or a partial config).
 * @param source Where it came from (for errors).
 * @returns A complete config.
 * @example
 * ```ts
 * parseEncoderConfig({ input_name: "pixel_values" }, "inline");
 * ```
 */
export function parseEncoderConfig(raw: unknown, source: string): EncoderConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new TypeError(`Cannot read encoder config "${source}": not a JSON object`);
  }
  const known = Object.keys(CLIP_DEFAULTS);
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Cannot read encoder config "${source}": unknown key "${key}" (known: ${known.join(", ")})`,
      );
    }
  }
  const c = { ...CLIP_DEFAULTS, ...(raw as Partial<EncoderConfig>) };
  const bad = (field: string, why: string): never => {
    throw new TypeError(`Cannot read encoder config "${source}": "${field}" ${why}`);
  };
  if (typeof c.input_name !== "string" || !c.input_name) bad("input_name", "must be a name");
  if (typeof c.output_name !== "string" || !c.output_name) bad("output_name", "must be a name");
  if (!Number.isInteger(c.input_size) || c.input_size < 8) {
    bad("input_size", "must be an integer ≥ 8");
  }
  if (!Number.isInteger(c.dim) || c.dim < 1) bad("dim", "must be a positive integer");
  if (!Number.isInteger(c.max_batch) || c.max_batch < 1) bad("max_batch", "must be ≥ 1");
  if (!isTriple(c.mean)) bad("mean", "must be 3 numbers");
  if (!isTriple(c.std)) bad("std", "must be 3 non-zero numbers");
  if (c.resize !== "shortest_side_bicubic_center_crop") {
    bad("resize", `must be "shortest_side_bicubic_center_crop"`);
  }
  return c;
}

/**
 * Read and validate an encoder config file.
 *
 * @param path JSON file.
 * @returns The config.
 * @example
 * ```ts
 * const config = await loadEncoderConfig("models/clip.json");
 * ```
 */
export async function loadEncoderConfig(path: string): Promise<EncoderConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    throw new SyntaxError(`Cannot read encoder config "${path}": ${String(error)}`, {
      cause: error,
    });
  }
  return parseEncoderConfig(raw, path);
}
