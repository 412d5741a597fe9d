import assert from "node:assert/strict";
import { join } from "node:path";
import { loadOrConvert } from "./_onnx_cache.ts";

Deno.test("loadOrConvert() converts once, then again only when the source model or converter changes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = join(dir, "model.json");
    await Deno.writeTextFile(source, '{"a":1}');
    let calls = 0;
    const convert = (): Promise<{ bytes: Uint8Array; meta: { n: number } }> =>
      Promise.resolve({ bytes: Uint8Array.of(1, 2, ++calls), meta: { n: calls } });
    const cache = join(dir, "cache");
    const first = await loadOrConvert(cache, "x/1", source, convert);
    assert.equal(first.converted, true);
    const second = await loadOrConvert(cache, "x/1", source, convert);
    assert.deepEqual([second.converted, [...second.bytes], second.meta.n], [false, [1, 2, 1], 1]);
    await Deno.writeTextFile(source, '{"a":2}');
    assert.equal((await loadOrConvert(cache, "x/1", source, convert)).converted, true);
    assert.equal((await loadOrConvert(cache, "x/2", source, convert)).converted, true);
    assert.equal(calls, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrConvert() sweeps a killed conversion's temp file before writing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source = join(dir, "model.json");
    await Deno.writeTextFile(source, '{"a":1}');
    const cache = join(dir, "cache");
    const convert = () => Promise.resolve({ bytes: Uint8Array.of(7), meta: {} });
    const first = await loadOrConvert(cache, "x/1", source, convert);
    const stem = first.cached!.slice(0, -".onnx".length);
    await Deno.remove(`${stem}.json`); // the next call converts again
    const dead = `${cache}/.${stem.split("/").at(-1)}.onnx.999999999.0a1b2c3d.tmp`;
    await Deno.writeFile(dead, new Uint8Array(1024));
    await Deno.utime(dead, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    assert.equal((await loadOrConvert(cache, "x/1", source, convert)).converted, true);
    const names = (await Array.fromAsync(Deno.readDir(cache))).map((e) => e.name).sort();
    assert.deepEqual(names, [`${stem.split("/").at(-1)}.json`, `${stem.split("/").at(-1)}.onnx`]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
