import assert from "node:assert/strict";
import { Plot, renderSvg } from "./mod.ts";

Deno.test("renderSvg() draws one rect per bar without a browser", () => {
  const svg = renderSvg({
    marks: [Plot.barY([{ x: "a", y: 1 }, { x: "b", y: 3 }], { x: "x", y: "y" })],
  });
  assert.match(svg, /^<svg/);
  assert.match(svg, /xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<rect/g) ?? []).length >= 2, true);
});
