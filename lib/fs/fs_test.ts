import assert from "node:assert/strict";
import { join } from "node:path";
import { fileSha256, fileSha256Sync, sha256Hex, writeFileAtomic } from "./mod.ts";

const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

Deno.test("sha256Hex() and fileSha256() give the standard digest of text, bytes and files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(sha256Hex("abc"), ABC);
    assert.equal(sha256Hex(new TextEncoder().encode("abc")), ABC);
    await Deno.writeTextFile(join(dir, "f"), "abc");
    assert.equal(await fileSha256(join(dir, "f")), ABC);
    assert.equal(fileSha256Sync(join(dir, "f")), ABC);
    await assert.rejects(() => fileSha256(join(dir, "missing")), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic() replaces a file and leaves no temp file, for bytes, text and writers", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "sub", "out.txt");
    await writeFileAtomic(path, "one");
    assert.equal(await Deno.readTextFile(path), "one");
    await writeFileAtomic(path, new TextEncoder().encode("two"), { sync: true });
    assert.equal(await Deno.readTextFile(path), "two");
    await writeFileAtomic(path, (tmp) => Deno.writeTextFile(tmp, "three"));
    assert.equal(await Deno.readTextFile(path), "three");
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["out.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic() keeps the old file and removes its temp file when the writer fails", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "out.txt");
    await writeFileAtomic(path, "old");
    await assert.rejects(
      () =>
        writeFileAtomic(path, async (tmp) => {
          await Deno.writeTextFile(tmp, "half");
          throw new Error("encoder failed");
        }),
      /encoder failed/,
    );
    assert.equal(await Deno.readTextFile(path), "old");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.txt"]);
    // The temp name a crashed writer leaves is the one sweepTempFiles() recognises.
    let seen = "";
    await writeFileAtomic(path, async (tmp) => {
      seen = tmp;
      await Deno.writeTextFile(tmp, "new");
    });
    assert.match(seen, new RegExp(`/\\.out\\.txt\\.${Deno.pid}\\.[0-9a-f]{8}\\.tmp$`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
