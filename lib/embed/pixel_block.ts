/**
 * Extra per-image feature blocks derived from the one decode (`decodeOnce()`)
 * and cached by content hash + `name@version`, so an image is decoded once per
 * run and never again once every requested block is stored.
 *
 * lib/embed does not know the blocks (no imports of lib/crop, lib/rank…):
 * callers register them in {@linkcode PIXEL_BLOCKS} (or pass the objects to
 * `embedFiles({ blocks })` directly).
 *
 * @module
 */
import type { DecodedImage } from "../image/mod.ts";

/** A feature block computed from the pixels of the one decode. */
export interface PixelBlock {
  /** Name in ImageFeatures.blocks (e.g. "layout", "signature"). */
  name: string;
  /** Version string: part of the cache key (bump when the computation changes). */
  version: string;
  /** Compute the block from the one decode (the `work` image is RGB, shortest side 224; `tiles` are native). */
  compute(decoded: DecodedImage): Float32Array;
}

/** Names lib/embed computes itself; a pixel block may not take them. */
const RESERVED = new Set(["builtin", "phash", "embedding"]);

/**
 * Registry of pixel blocks by name: modules that own a block register it here
 * (see {@linkcode registerPixelBlock}); `deno task embed --features` and
 * {@linkcode resolvePixelBlocks} look names up in it.
 */
export const PIXEL_BLOCKS: Record<string, PixelBlock> = {};

/**
 * The cache key of a block: `name@version`.
 *
 * @param block The block.
 * @returns Its key.
 * @example
 * ```ts
 * pixelBlockKey({ name: "layout", version: "v1" }); // "layout@v1"
 * ```
 */
export function pixelBlockKey(block: Pick<PixelBlock, "name" | "version">): string {
  return `${block.name}@${block.version}`;
}

/**
 * Register a block in {@linkcode PIXEL_BLOCKS} (re-registering a name replaces it).
 *
 * @param block The block.
 * @returns The same block (for `export const X = registerPixelBlock({...})`).
 * @example
 * ```ts
 * registerPixelBlock({ name: "mean", version: "v1", compute: (d) => new Float32Array([d.work.data[0]!]) });
 * ```
 */
export function registerPixelBlock(block: PixelBlock): PixelBlock {
  checkPixelBlocks([block]);
  PIXEL_BLOCKS[block.name] = block;
  return block;
}

/**
 * Check a list of blocks: valid names (not reserved, no `@`), non-empty
 * versions, no duplicate names.
 *
 * @param blocks Blocks to check.
 * @example
 * ```ts
 * checkPixelBlocks(Object.values(PIXEL_BLOCKS));
 * ```
 */
export function checkPixelBlocks(blocks: readonly PixelBlock[]): void {
  const seen = new Set<string>();
  for (const b of blocks) {
    if (!b.name || b.name.includes("@") || RESERVED.has(b.name)) {
      throw new RangeError(
        `Cannot use pixel block "${b.name}": names must be non-empty, without "@", and not one of ${
          [...RESERVED].join(", ")
        }`,
      );
    }
    if (!b.version) {
      throw new RangeError(`Cannot use pixel block "${b.name}": its version is empty`);
    }
    if (seen.has(b.name)) {
      throw new RangeError(`Cannot use pixel blocks: "${b.name}" is given twice`);
    }
    seen.add(b.name);
  }
}

/** Options for {@linkcode resolvePixelBlocks}. */
export interface ResolvePixelBlocksOptions {
  /** Registry to look names up in. */
  registry?: Readonly<Record<string, PixelBlock>>;
  /** Names that are not pixel blocks but are handled elsewhere (left in `rest`, no error). */
  passThrough?: readonly string[];
}

const resolveDefaults = {
  registry: PIXEL_BLOCKS,
  passThrough: ["builtin", "phash", "embedding"],
} satisfies Required<ResolvePixelBlocksOptions>;

/**
 * Split requested feature names into registered pixel blocks and the rest.
 *
 * @param names Requested names (e.g. `--features builtin,layout,signature`).
 * @param options Registry and the names handled elsewhere.
 * @returns The pixel blocks (request order) and the other names.
 * @example
 * ```ts
 * const { blocks, rest } = resolvePixelBlocks(["builtin", "layout"]);
 * ```
 */
export function resolvePixelBlocks(
  names: readonly string[],
  options: ResolvePixelBlocksOptions = {},
): { blocks: PixelBlock[]; rest: string[] } {
  const o = { ...resolveDefaults, ...options };
  const blocks: PixelBlock[] = [];
  const rest: string[] = [];
  for (const n of new Set(names)) {
    const b = Object.hasOwn(o.registry, n) ? o.registry[n] : undefined;
    if (b) blocks.push(b);
    else if (o.passThrough.includes(n)) rest.push(n);
    else {
      throw new RangeError(
        `Cannot resolve feature block "${n}": known are ${
          [...o.passThrough, ...Object.keys(o.registry)].join(", ")
        }`,
      );
    }
  }
  return { blocks, rest };
}
