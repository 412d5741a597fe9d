import assert from "node:assert/strict";
import { Plot, renderSvg } from "./mod.ts";

Deno.test("renderSvg() draws one rect per bar without a browser", () => {
  const svg = renderSvg({
    marks: [Plot.barY([{ x: "a", y: 1 }, { x: "b", y: 3 }], { x: "x", y: "y" })],
  });
  assert.match(svg, /^<svg/);
  assert.match(svg, /xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const heights = [...svg.matchAll(/<rect[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.equal(heights.length, 2);
  // Bars for y = 1 and y = 3 on a linear scale from 0: the second is three times as tall.
  assert.ok(Math.abs(heights[1]! / heights[0]! - 3) < 1e-9, `heights ${heights}`);
});

Deno.test("renderSvg() turns a titled chart with a legend into one standalone SVG document", () => {
  const data = [
    { day: "d1", rate: "approved", value: 0.7 },
    { day: "d2", rate: "approved", value: 0.8 },
    { day: "d1", rate: "rejected", value: 0.1 },
    { day: "d2", rate: "rejected", value: 0.05 },
  ];
  const svg = renderSvg({
    title: "Review outcomes <per day>",
    caption: "from the review log",
    color: { legend: true },
    marks: [Plot.lineY(data, { x: "day", y: "value", stroke: "rate" })],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.doesNotMatch(svg, /<(figure|div|span|h2|h3|figcaption)\b/);
  assert.ok(svg.includes("Review outcomes &lt;per day&gt;"));
  assert.ok(svg.includes(">approved</text>") && svg.includes(">rejected</text>"));
  assert.ok(svg.includes(">from the review log</text>"));
  const height = Number(svg.match(/^<svg[^>]* height="(\d+)"/)?.[1]);
  assert.ok(height > 400, `height ${height} leaves no room for title and legend`);
});

Deno.test("renderSvg({ nonEmpty }) refuses a chart whose marks drew nothing (bars from 0 on a log scale)", () => {
  const rows = [{ project: "a", n: 10 }, { project: "b", n: 1000 }];
  assert.throws(
    () =>
      renderSvg({
        title: "records",
        x: { type: "log" },
        marks: [Plot.barX(rows, { y: "project", x: "n" }), Plot.ruleX([1])],
      }, { nonEmpty: true }),
    /Cannot draw chart "records": its data marks drew nothing/,
  );
  const ok = renderSvg({
    x: { type: "log" },
    marks: [Plot.barX(rows, { y: "project", x1: 1, x2: "n" })],
  }, { nonEmpty: true });
  assert.equal((ok.match(/<rect/g) ?? []).length, 2);
  assert.throws(() =>
    renderSvg({ marks: [Plot.barY([], { x: "x", y: "y" })] }, { nonEmpty: true })
  );
});
