/**
 * Serving the images a decision names: only files referenced by the loaded
 * decisions, only inside the sandbox root (links followed and re-checked),
 * with JPEG thumbnails cached in memory by path, mtime and width and, when a
 * folder is given, on disk by content hash (lib/image `thumbnail`, shared with
 * embed).
 *
 * @module
 */
import { extname, isAbsolute, relative } from "node:path";
import {
  checkImageFile,
  classifyDecoderMessage,
  encodeRaw,
  ImageReadError,
  readRaw,
  thumbnail,
} from "../lib/image/mod.ts";
import { resolveDecisionPath } from "../lib/decisions/mod.ts";
import type { DecisionImage } from "../lib/types.ts";
import { HttpError } from "./_http.ts";
import { assertNoLink } from "./_state_paths.ts";

const TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
};

const side0 = (im: DecisionImage): number => Math.max(im.width, im.height);

/**
 * Thumbnail widths (longest side) the page may ask for: it asks for the step
 * at or above the painted size × devicePixelRatio (reviewer/client/layout.ts).
 */
export const THUMB_WIDTHS = [256, 384, 512, 768, 1024, 1536, 2048] as const;

/** Bytes to answer with. */
export interface ImageBytes {
  bytes: Uint8Array;
  type: string;
}

/** Resolves and reads decision images safely; caches thumbnails. */
export class ImageServer {
  readonly #root: string;
  readonly #thumbs = new Map<string, Uint8Array>();
  /** Whether a file version (path, mtime, size) can be shown: null, or why not. */
  readonly #health = new Map<string, string | null>();
  readonly #maxCached: number;
  readonly #thumbDir: string | null;
  #realRoot: string | null = null;

  /**
   * @param sandboxRoot The sandbox root every image must live in.
   * @param options Disk thumbnail folder (none: memory only) and memory cache size.
   */
  constructor(sandboxRoot: string, options: { thumbDir?: string | null; maxCached?: number } = {}) {
    this.#root = sandboxRoot;
    this.#maxCached = options.maxCached ?? 2000;
    this.#thumbDir = options.thumbDir ?? null;
  }

  async #resolve(
    image: DecisionImage,
  ): Promise<{ abs: string; mtime: number; size: number; type: string }> {
    const type = TYPES[extname(image.path).toLowerCase()];
    if (type === undefined) {
      throw new HttpError(415, `Cannot serve image: "${image.path}" is not a PNG, JPEG or WebP`);
    }
    let abs: string;
    try {
      abs = resolveDecisionPath(this.#root, image.path);
    } catch (error) {
      throw new HttpError(403, error instanceof Error ? error.message : String(error));
    }
    this.#realRoot ??= await Deno.realPath(this.#root);
    let real: string;
    try {
      real = await Deno.realPath(abs);
    } catch {
      throw new HttpError(404, `Cannot serve image: "${image.path}" does not exist`);
    }
    const rel = relative(this.#realRoot, real);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new HttpError(403, `Cannot serve image: "${image.path}" leads outside the sandbox`);
    }
    const info = await Deno.stat(real);
    if (!info.isFile) throw new HttpError(404, `Cannot serve image: "${image.path}" is not a file`);
    return { abs: real, mtime: info.mtime?.getTime() ?? 0, size: info.size, type };
  }

  async #render(abs: string, image: DecisionImage, width: number): Promise<Uint8Array> {
    if (this.#thumbDir !== null && image.width > 0 && image.height > 0) {
      // lib/image thumbnails are sized by the shortest side.
      const side = Math.max(
        1,
        Math.round(width * Math.min(image.width, image.height) / side0(image)),
      );
      // Checked at the moment of writing and reading: a .thumbs (or a cached
      // thumbnail) swapped for a link would write or serve files outside.
      await assertNoLink(this.#thumbDir, { what: "thumbnail folder", kind: "dir" });
      const made = await thumbnail(abs, this.#thumbDir, { side, quality: 82 });
      await assertNoLink(made.path, { what: "cached thumbnail" });
      return await Deno.readFile(made.path);
    }
    let raw;
    try {
      raw = await readRaw(abs, { channels: 3, resize: { width, height: width, fit: "inside" } });
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      throw new ImageReadError(abs, classifyDecoderMessage(msg), msg, { cause: error });
    }
    return await encodeRaw(raw, { format: "jpeg", quality: 82 });
  }

  #remember(key: string, problem: string | null): void {
    if (this.#health.size >= 4 * this.#maxCached) this.#health.clear();
    this.#health.set(key, problem);
  }

  /**
   * Why an image cannot be shown, or null when it can: checked now (the file
   * is resolved inside the sandbox again), its content judged by what serving
   * it found for this version of the file (path, mtime, size), else by
   * `checkImageFile` (signature, end marker, header, pixel limit; no decode).
   *
   * @param image A decision image.
   * @returns Null, or the reason, e.g. `"a.png" does not exist`.
   * @example
   * ```ts
   * const images = new ImageServer("sandbox");
   * const decision = JSON.parse(await Deno.readTextFile("sandbox/one_decision.json"));
   * const why = await images.problem(decision.images[0]);
   * ```
   */
  async problem(image: DecisionImage): Promise<string | null> {
    let r;
    try {
      r = await this.#resolve(image);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return error.message.replace(/^Cannot [^:]*: /, "");
    }
    const key = `${r.abs}\u0000${r.mtime}\u0000${r.size}`;
    const known = this.#health.get(key);
    if (known !== undefined) return known;
    const failure = await checkImageFile(r.abs);
    const why = failure === null
      ? null
      : `"${image.path}" is not a usable image (${failure.reason})`;
    this.#remember(key, why);
    return why;
  }

  /** The file's own bytes. */
  async full(image: DecisionImage): Promise<ImageBytes> {
    const { abs, type } = await this.#resolve(image);
    return { bytes: await Deno.readFile(abs), type };
  }

  /** A JPEG no wider or taller than `width` (the original when already small). */
  async thumb(image: DecisionImage, width: number): Promise<ImageBytes> {
    const { abs, mtime, size, type } = await this.#resolve(image);
    const version = `${abs}\u0000${mtime}\u0000${size}`;
    const side = Math.max(image.width, image.height);
    if (side > 0 && side <= width) return { bytes: await Deno.readFile(abs), type };
    const key = `${abs}\u0000${mtime}\u0000${width}`;
    const hit = this.#thumbs.get(key);
    if (hit !== undefined) return { bytes: hit, type: "image/jpeg" };
    let bytes: Uint8Array;
    try {
      bytes = await this.#render(abs, image, width);
    } catch (error) {
      // A file named .png that is no image, or one over the pixel limit: the request's fault.
      if (!(error instanceof ImageReadError)) throw error;
      const why = `"${image.path}" is not a usable image (${error.reason})`;
      // Approving this group is refused from now on (until the file changes).
      this.#remember(version, why);
      throw new HttpError(422, `Cannot serve thumbnail: ${why}`);
    }
    this.#remember(version, null);
    if (this.#thumbs.size >= this.#maxCached) {
      const oldest = this.#thumbs.keys().next().value;
      if (oldest !== undefined) this.#thumbs.delete(oldest);
    }
    this.#thumbs.set(key, bytes);
    return { bytes, type: "image/jpeg" };
  }
}
