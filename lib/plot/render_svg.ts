/**
 * Render Observable Plot charts to SVG text outside a browser, with a DOM
 * from linkedom. Used by reports (SVG files) and notebooks (`Deno.jupyter.html`).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/** Plot's options object (marks, axes, size…). */
export type PlotSpec = Plot.PlotOptions;

/**
 * Render a Plot spec to a standalone SVG document (what a browser opens as an
 * image): when Plot wraps the chart in an HTML `<figure>` (title, subtitle,
 * swatch legend, caption), those parts are redrawn as SVG text and swatches
 * above and below the chart, so the result always starts with `<svg`.
 *
 * @param spec Plot options; `document` is supplied here.
 * @param options `nonEmpty`: throw when the data marks drew nothing.
 * @returns One `<svg xmlns=…>` element as text.
 * @example
 * ```ts
 * const svg = renderSvg({ title: "t", marks: [Plot.barY([1, 2, 3])] });
 * svg.startsWith("<svg"); // true
 * ```
 */
export function renderSvg(spec: PlotSpec, options: RenderSvgOptions = {}): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const node = Plot.plot({ ...spec, document: document as unknown as Document }) as unknown as El;
  if (options.nonEmpty && drawnMarks(node) === 0) {
    const title = typeof spec.title === "string" ? ` "${spec.title}"` : "";
    throw new RangeError(
      `Cannot draw chart${title}: its data marks drew nothing (no data, or none on the scale)`,
    );
  }
  if (node.tagName.toLowerCase() === "svg") {
    node.setAttribute("xmlns", SVG_NS);
    return node.outerHTML;
  }
  return figureToSvg(node);
}

/** Options for {@linkcode renderSvg}. */
export interface RenderSvgOptions {
  /** Throw a RangeError when no data mark (bar, dot, line, cell…) drew anything: no empty charts. */
  nonEmpty?: boolean;
}

/** Marks that draw data (rules, frames, text and axes draw without any). */
const DATA_MARKS = new Set(["bar", "dot", "line", "rect", "cell", "area", "tick", "link", "image"]);

function drawnMarks(node: El): number {
  const all = (node as unknown as { querySelectorAll(s: string): ArrayLike<El> })
    .querySelectorAll("g[aria-label]");
  let n = 0;
  for (const g of Array.from(all)) {
    if (DATA_MARKS.has(g.getAttribute("aria-label") ?? "")) n += g.children.length;
  }
  return n;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The little of the DOM API used here (linkedom's elements). */
interface El {
  tagName: string;
  outerHTML: string;
  textContent: string | null;
  children: ArrayLike<El>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Lay a Plot `<figure>` out as one SVG: headings, swatch rows, charts, caption, top to bottom. */
function figureToSvg(figure: El): string {
  const kids = Array.from(figure.children);
  const width = Math.max(
    320,
    ...kids.filter((k) => k.tagName.toLowerCase() === "svg")
      .map((k) => Number(k.getAttribute("width") ?? 0)),
  );
  const parts: string[] = [];
  let y = 0;
  const text = (t: string, size: number, weight = "normal") => {
    y += size + 6;
    parts.push(
      `<text x="0" y="${y}" font-size="${size}" font-weight="${weight}">${esc(t.trim())}</text>`,
    );
    y += 4;
  };
  for (const kid of kids) {
    const tag = kid.tagName.toLowerCase();
    if (tag === "h2") text(kid.textContent ?? "", 16, "bold");
    else if (tag === "h3") text(kid.textContent ?? "", 12);
    else if (tag === "figcaption") text(kid.textContent ?? "", 11);
    else if (tag === "svg") {
      const h = Number(kid.getAttribute("height") ?? 0);
      kid.setAttribute("x", "0");
      kid.setAttribute("y", String(y));
      parts.push(kid.outerHTML);
      y += h;
    } else if (tag === "div") {
      // A swatch legend: <span><svg fill|stroke=colour>…</svg>label</span> per entry.
      const swatches = Array.from(kid.children).filter((c) => c.tagName.toLowerCase() === "span");
      let x = 0;
      y += 8;
      for (const sw of swatches) {
        const icon = Array.from(sw.children).find((c) => c.tagName.toLowerCase() === "svg");
        const color = icon?.getAttribute("fill") ?? icon?.getAttribute("stroke") ?? "currentColor";
        const label = (sw.textContent ?? "").trim();
        const w = 20 + label.length * 6 + 16;
        if (x > 0 && x + w > width) {
          x = 0;
          y += 20;
        }
        parts.push(
          `<rect x="${x}" y="${y}" width="15" height="15" fill="${esc(color)}"/>` +
            `<text x="${x + 20}" y="${y + 12}" font-size="10">${esc(label)}</text>`,
        );
        x += w;
      }
      y += 24;
    }
  }
  const height = Math.ceil(y);
  return `<svg xmlns="${SVG_NS}" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

export { Plot };
