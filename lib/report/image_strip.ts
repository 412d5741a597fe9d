/**
 * A row of labelled thumbnails as self-contained HTML (base64 JPEG), for
 * notebooks and reports that show groups of stage variants.
 *
 * @module
 */
import { encodeRaw, probe, readRaw } from "../image/mod.ts";
import { encodeBase64 } from "./_base64.ts";

/** One image of a strip. */
export interface StripItem {
  path: string;
  /** Caption under the image (plain text; escaped). */
  label: string;
  /** Border colour, e.g. "green" for the creator's pick. */
  border?: string;
}

/** Options for {@linkcode imageStripHtml}. */
export interface ImageStripOptions {
  /** Thumbnail height in pixels. */
  height?: number;
  /** Title above the strip (plain text; escaped). */
  title?: string;
}

const defaults = { height: 140, title: "" } satisfies Required<ImageStripOptions>;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Render images side by side with captions as HTML.
 *
 * @param items Images with labels.
 * @param options Thumbnail height and title.
 * @returns HTML text (a `<div>`).
 * @example
 * ```ts
 * const html = await imageStripHtml([{ path: "a.png", label: "stage 2" }]);
 * ```
 */
export async function imageStripHtml(
  items: readonly StripItem[],
  options: ImageStripOptions = {},
): Promise<string> {
  const opts = { ...defaults, ...options };
  const cells: string[] = [];
  for (const item of items) {
    // Read the header for the aspect ratio; decode once, already resized.
    const size = await probe(item.path);
    const width = Math.max(1, Math.round(size.width * opts.height / size.height));
    const small = await readRaw(item.path, {
      channels: 3,
      resize: { width, height: opts.height, fit: "fill" },
    });
    const jpeg = await encodeRaw(small, { format: "jpeg", quality: 80 });
    const border = item.border ?? "transparent";
    cells.push(
      `<figure style="margin:0;text-align:center">` +
        `<img src="data:image/jpeg;base64,${encodeBase64(jpeg)}" width="${width}" ` +
        `height="${opts.height}" style="border:4px solid ${escapeHtml(border)}"/>` +
        `<figcaption style="font:12px sans-serif;max-width:${width + 8}px">` +
        `${escapeHtml(item.label)}</figcaption></figure>`,
    );
  }
  const title = opts.title
    ? `<div style="font:bold 13px sans-serif">${escapeHtml(opts.title)}</div>`
    : "";
  return `<div>${title}<div style="display:flex;gap:8px;align-items:flex-end">${
    cells.join("")
  }</div></div>`;
}
