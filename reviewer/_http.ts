/**
 * Request guards shared by the reviewer routes: the error type, the host,
 * origin and token checks, and bounded JSON body reading.
 *
 * @module
 */
import type { Context } from "hono";

/** An error with the HTTP status to answer (4xx: the request's fault). */
export class HttpError extends Error {
  /** HTTP status. */
  readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422;
  /** More fields for the JSON answer beside `error` (e.g. the groups refused). */
  readonly details: Record<string, unknown>;
  /**
   * @param status HTTP status.
   * @param message "Cannot <action>: <state>".
   * @param details More fields for the JSON answer.
   */
  constructor(status: HttpError["status"], message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.details = details;
  }
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Whether a URL host name is a loopback name the reviewer answers.
 *
 * @param hostname `URL.hostname`.
 * @returns True for 127.0.0.1, localhost and [::1].
 * @example
 * ```ts
 * isLocalHost("localhost"); // true
 * ```
 */
export function isLocalHost(hostname: string): boolean {
  return LOCAL_HOSTS.has(hostname);
}

/**
 * Refuse requests addressed to a non-loopback host name (DNS rebinding).
 *
 * @returns The parsed request URL.
 */
export function assertLocalHost(c: Context): URL {
  let url: URL;
  try {
    // A Host header the URL parser refuses (a space, port 99999) makes the request URL invalid.
    url = new URL(c.req.url);
  } catch {
    const given = JSON.stringify(c.req.header("host") ?? "");
    throw new HttpError(400, `Cannot serve request: Host header ${given} is not a valid host`);
  }
  if (!LOCAL_HOSTS.has(url.hostname)) {
    throw new HttpError(
      403,
      `Cannot serve request: host "${url.hostname}" is not a loopback name`,
    );
  }
  return url;
}

function sameText(a: string, b: string): boolean {
  // Length is not secret (fixed-size token); compare every byte to avoid early exit.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Guard a state-changing request: same-origin `Origin`, no cross-site
 * `Sec-Fetch-Site`, the session token in `X-Keeper-Token`, a JSON body.
 */
export function assertSameOriginPost(c: Context, token: string): void {
  const own = new URL(c.req.url).origin;
  const origin = c.req.header("origin");
  if (origin === undefined) {
    throw new HttpError(403, "Cannot accept request: the Origin header is missing");
  }
  if (origin !== own) {
    throw new HttpError(403, `Cannot accept request: origin "${origin}" is not "${own}"`);
  }
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") {
    throw new HttpError(403, `Cannot accept request: Sec-Fetch-Site is "${site}"`);
  }
  const given = c.req.header("x-keeper-token");
  if (given === undefined || !sameText(given, token)) {
    throw new HttpError(
      403,
      "Cannot accept request: session token missing or wrong (reload the page)",
    );
  }
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json(\s*;|$)/i.test(type)) {
    throw new HttpError(
      415,
      `Cannot accept request: content type "${type}" is not application/json`,
    );
  }
}

/**
 * Read a JSON body of at most `limit` bytes. Bytes are counted as they
 * arrive (a chunked body has no Content-Length): the stream is cancelled at
 * the first byte past the limit, so at most `limit` plus one chunk is held.
 */
export async function readJsonBody(c: Context, limit: number): Promise<unknown> {
  const header = c.req.header("content-length");
  if (header !== undefined && !/^\d+$/.test(header.trim())) {
    throw new HttpError(400, `Cannot accept request: Content-Length "${header}" is not a number`);
  }
  const declared = Number(header ?? "0");
  if (declared > limit) {
    throw new HttpError(413, `Cannot accept request: body of ${declared} bytes exceeds ${limit}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = c.req.raw.body;
  if (stream !== null) {
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > limit) {
          await reader.cancel().catch(() => {});
          throw new HttpError(413, `Cannot accept request: body exceeds ${limit} bytes`);
        }
        chunks.push(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    bytes.set(ch, at);
    at += ch.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "Cannot accept request: body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Cannot accept request: body is not valid JSON");
  }
}
