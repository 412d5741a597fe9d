/**
 * The page's static assets: the committed client bundle and stylesheet, read
 * once and cached; and the source hash that tells when the bundle is stale.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Options for {@linkcode loadAssets}. */
export interface AssetOptions {
  /** Folder holding `app.js` and `app.css` (default `reviewer/static`). */
  dir?: string;
}

const defaults = { dir: `${here}static` } satisfies Required<AssetOptions>;

/**
 * Lazy, cached readers of the bundle and stylesheet.
 *
 * @param options Folder.
 * @returns Readers for `createApp`'s `assets`.
 * @example
 * ```ts
 * const assets = loadAssets();
 * const js = await assets.js();
 * ```
 */
export function loadAssets(
  options: AssetOptions = {},
): { js: () => Promise<string>; css: () => Promise<string> } {
  const opts = { ...defaults, ...options };
  let js: Promise<string> | undefined;
  let css: Promise<string> | undefined;
  return {
    js: () => js ??= Deno.readTextFile(`${opts.dir}/app.js`),
    css: () => css ??= Deno.readTextFile(`${opts.dir}/app.css`),
  };
}

/**
 * sha256 over the client sources (`reviewer/client/*.ts(x)`, sorted by name)
 * and the files they import type-only from the server side.
 *
 * @returns Hex digest.
 * @example
 * ```ts
 * const hash = await clientSourceHash();
 * ```
 */
export async function clientSourceHash(): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${here}client`)) {
    if (e.isFile && /\.tsx?$/.test(e.name) && !e.name.endsWith("_test.ts")) names.push(e.name);
  }
  names.sort();
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  for (const name of names) {
    parts.push(enc.encode(`${name}\n`), await Deno.readFile(`${here}client/${name}`));
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = await crypto.subtle.digest("SHA-256", all);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
