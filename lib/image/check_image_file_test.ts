import assert from "node:assert/strict";
import { join } from "node:path";
import { checkImageFile, encodeRaw } from "./mod.ts";

async function png(w: number, h: number, format: "png" | "jpeg" = "png"): Promise<Uint8Array> {
  const data = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 251);
  return await encodeRaw({ data, width: w, height: h, channels: 3 }, { format });
}

Deno.test("checkImageFile() passes whole PNGs and JPEGs and names what is wrong with the rest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-check-" });
  try {
    const good = await png(40, 30);
    const files: Record<string, Uint8Array | string> = {
      "good.png": good,
      "good.jpg": await png(40, 30, "jpeg"),
      "empty.png": new Uint8Array(0),
      "text.png": "not a picture at all\n".repeat(10),
      "cut.png": good.subarray(0, Math.floor(good.length / 2)),
      "cut.jpg": (await png(40, 30, "jpeg")).subarray(0, 200),
    };
    for (const [name, body] of Object.entries(files)) {
      const path = join(dir, name);
      if (typeof body === "string") await Deno.writeTextFile(path, body);
      else await Deno.writeFile(path, body);
    }
    await Deno.mkdir(join(dir, "folder.png"));
    const reason = async (name: string, maxPixels?: number) =>
      (await checkImageFile(join(dir, name), maxPixels ? { maxPixels } : {}))?.reason ?? null;
    assert.equal(await reason("good.png"), null);
    assert.equal(await reason("good.jpg"), null);
    assert.equal(await reason("empty.png"), "zero_byte");
    assert.equal(await reason("text.png"), "not_an_image");
    assert.equal(await reason("cut.png"), "truncated");
    assert.equal(await reason("cut.jpg"), "truncated");
    assert.equal(await reason("folder.png"), "not_a_file");
    assert.equal(await reason("gone.png"), "unreadable");
    assert.equal(await reason("good.png", 40 * 30 - 1), "too_many_pixels");
    const failure = await checkImageFile(join(dir, "cut.png"));
    assert.match(failure?.message ?? "", /cut\.png.*truncated/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
