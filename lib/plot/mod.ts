/**
 * Observable Plot rendered to SVG text with a linkedom DOM.
 *
 * @module
 */
export { Plot, renderSvg } from "./render_svg.ts";
export type { PlotSpec, RenderSvgOptions } from "./render_svg.ts";
