/**
 * Seeded randomness shared by every folder.
 *
 * @module
 */
export { mulberry32 } from "./mulberry32.ts";
export { gaussian, shuffle } from "./rng.ts";
