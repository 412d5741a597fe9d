/**
 * Content hashes: sha256 as lowercase hex, of bytes or of a file's bytes. The one hash keeper
 * uses for identity by content (feature cache, thumbnails, apply's verification).
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * sha256 (lowercase hex) of bytes or of a string's UTF-8 bytes.
 *
 * @param data Bytes or text.
 * @returns 64 hex characters.
 * @example
 * ```ts
 * sha256Hex("abc"); // "ba7816bf…"
 * ```
 */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * sha256 (lowercase hex) of a file's bytes.
 *
 * @param path The file.
 * @returns 64 hex characters.
 * @example
 * ```ts
 * const sha = await fileSha256("image.png");
 * ```
 */
export async function fileSha256(path: string): Promise<string> {
  return sha256Hex(await Deno.readFile(path));
}

/**
 * sha256 (lowercase hex) of a file's bytes, synchronously (for code that must not yield).
 *
 * @param path The file.
 * @returns 64 hex characters.
 * @example
 * ```ts
 * const sha = fileSha256Sync("image.png");
 * ```
 */
export function fileSha256Sync(path: string): string {
  return sha256Hex(Deno.readFileSync(path));
}
