/**
 * The companion rule: same folder + same stem, any extension (.yaml, .caption,
 * .txt, .json, .decision …), plus `<group stem>.decision`.
 *
 * @module
 */
import { basename, groupStemOf, stemOf } from "./stage.ts";

/** Options for {@linkcode companionsOf}. */
export interface CompanionOptions {
  /** Extensions that are images (not companions of each other). */
  imageExtensions?: readonly string[];
  /** Include `<group stem>.decision`. */
  includeGroupDecision?: boolean;
}

/** Image extensions keeper treats as images. */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze([
  ".png",
  ".jpg",
  ".jpeg",
  ".webp",
  ".tif",
  ".tiff",
]);

const defaults = {
  imageExtensions: IMAGE_EXTENSIONS,
  includeGroupDecision: true,
} satisfies Required<CompanionOptions>;

/**
 * Whether a name has an image extension.
 *
 * @param name A file name.
 * @param extensions Image extensions (lower-case, with dot).
 * @returns True for images.
 * @example
 * ```ts
 * isImageName("a.PNG"); // true
 * ```
 */
export function isImageName(
  name: string,
  extensions: readonly string[] = IMAGE_EXTENSIONS,
): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && extensions.includes(name.slice(dot).toLowerCase());
}

/**
 * The companions of `image` among `siblings` (names in the same folder): files
 * with the same stem and another extension, and the group-stem `.decision`.
 * Pure: no file system access.
 *
 * @param image The image's name or path.
 * @param siblings Base names of the files in the same folder.
 * @param options Image extensions and group-decision policy.
 * @returns Companion base names, sorted.
 * @example
 * ```ts
 * companionsOf("20250708_064118_stage2_upscaled.png", [
 *   "20250708_064118_stage2_upscaled.png", "20250708_064118_stage2_upscaled.yaml",
 *   "20250708_064118.decision",
 * ]); // ["20250708_064118.decision", "20250708_064118_stage2_upscaled.yaml"]
 * ```
 */
export function companionsOf(
  image: string,
  siblings: readonly string[],
  options: CompanionOptions = {},
): string[] {
  const opts = { ...defaults, ...options };
  const self = basename(image);
  const stem = stemOf(self);
  const groupDecision = `${groupStemOf(self)}.decision`;
  const out: string[] = [];
  for (const name of siblings) {
    if (name === self) continue;
    if (
      opts.includeGroupDecision && name === groupDecision && groupDecision !== `${stem}.decision`
    ) {
      out.push(name);
      continue;
    }
    const dot = name.lastIndexOf(".");
    if (dot <= 0) continue;
    if (name.slice(0, dot) !== stem) continue;
    if (isImageName(name, opts.imageExtensions)) continue;
    out.push(name);
  }
  return out.sort();
}
