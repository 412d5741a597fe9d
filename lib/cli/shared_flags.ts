/**
 * The flags that name the same concept in several tasks, defined once so every
 * task spells, describes and defaults them alike (defaults come from the
 * workspace). Tasks spread one in and may add the old names they accepted as
 * aliases, e.g. `models: { ...SHARED_FLAGS.models, aliases: ["out"] }`.
 *
 * @module
 */
import type { FlagSpecs } from "./flags.ts";

/** One definition per shared concept. */
export const SHARED_FLAGS = {
  data: {
    type: "string",
    arg: "<dir>",
    description: "the ingested store (what ingest writes)",
    default: (w) => w.ingested,
  },
  cache: {
    type: "string",
    arg: "<db>",
    description: "the feature cache (hashes, features, embeddings by content)",
    default: (w) => w.cache,
    aliases: ["embeddings"],
  },
  models: {
    type: "string",
    arg: "<dir>",
    description: "the trained model folder",
    default: (w) => w.models,
  },
  images: {
    type: "string",
    multiple: true,
    arg: "<root>",
    description: "a root holding the creator's images (repeat for several)",
    default: (w) => w.images,
  },
  sandbox: {
    type: "string",
    arg: "<dir>",
    description: "the sandbox root (decisions, reviews, plans, journals)",
    default: (w) => w.sandbox,
  },
  manifests: {
    type: "string",
    arg: "<dir>",
    description: "folder of *.project.json manifests",
    default: (w) => w.manifests ?? "",
    aliases: ["projects"],
  },
  encoder: {
    type: "string",
    arg: "<onnx>",
    description: "an ONNX image encoder (CLIP-style) for embeddings",
    aliases: ["model"],
  },
  "encoder-config": {
    type: "string",
    arg: "<json>",
    description: "the encoder's preprocessing config",
    aliases: ["model-config"],
  },
  json: { type: "boolean", description: "print one JSON object on stdout" },
} as const satisfies FlagSpecs;
