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
 * Render a Plot spec to standalone SVG markup.
 *
 * @param spec Plot options; `document` is supplied here.
 * @returns SVG (or a `<figure>` when the chart has a legend/title) as text.
 * @example
 * ```ts
 * const svg = renderSvg({ marks: [Plot.barY([1, 2, 3])] });
 * ```
 */
export function renderSvg(spec: PlotSpec): string {
  const { document } = parseHTML("<!DOCTYPE html><html><body></body></html>");
  const node = Plot.plot({ ...spec, document: document as unknown as Document });
  const el = node as unknown as {
    outerHTML: string;
    tagName?: string;
    setAttribute?: (k: string, v: string) => void;
  };
  if (el.tagName?.toLowerCase() === "svg" && el.setAttribute) {
    el.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  }
  return el.outerHTML;
}

export { Plot };
