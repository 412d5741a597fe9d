/**
 * Pixel signatures and what changed between the stage variants of a group:
 * the evidence for "the higher stage is broken, keep the lower one".
 *
 * @module
 */
export { SIGNATURE_GRID, SIGNATURE_SIZE, SIGNATURE_VERSION, signatureOf } from "./signature.ts";
export { compareSignatures, TRANSITION_FEATURES, TRANSITION_SIZE } from "./compare.ts";

/** Name of the signature block in `ImageFeatures.blocks`. */
export const SIGNATURE_BLOCK = "signature";
