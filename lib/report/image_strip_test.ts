import assert from "node:assert/strict";
import { join } from "node:path";
import { encodeRaw } from "../image/mod.ts";
import { imageStripHtml } from "./mod.ts";
import { encodeBase64 } from "./_base64.ts";

Deno.test("encodeBase64() matches btoa on small and large inputs", () => {
  assert.equal(encodeBase64(new Uint8Array([1, 2, 3])), "AQID");
  const big = new Uint8Array(100_000).map((_, i) => i % 251);
  assert.equal(atob(encodeBase64(big)).length, big.length);
});

Deno.test("imageStripHtml() embeds one scaled thumbnail per item and escapes labels", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "a.png");
    const data = new Uint8Array(40 * 20 * 3).fill(128);
    await Deno.writeFile(path, await encodeRaw({ data, width: 40, height: 20, channels: 3 }));
    const html = await imageStripHtml([
      { path, label: "<stage 2>", border: "green" },
      { path, label: "b" },
    ], { height: 10, title: "t" });
    assert.equal((html.match(/<img /g) ?? []).length, 2);
    assert.match(html, /width="20" height="10"/);
    assert.match(html, /&#60;stage 2&#62;/);
    assert.match(html, /border:4px solid green/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
