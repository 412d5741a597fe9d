import assert from "node:assert/strict";
import { join } from "node:path";
import { LineReadError, readLines } from "./mod.ts";

Deno.test("readLines() yields numbered lines (CRLF, no final newline) and stops at a line over the cap with its number", async () => {
  const dir = await Deno.makeTempDir({ prefix: "keeper-read-lines-" });
  try {
    const file = join(dir, "a.jsonl");
    await Deno.writeTextFile(file, "one\r\n\ntwo\nthree");
    const got = await Array.fromAsync(readLines(file));
    assert.deepEqual(got, [
      { line: 1, text: "one" },
      { line: 2, text: "" },
      { line: 3, text: "two" },
      { line: 4, text: "three" },
    ]);
    // A 3 MB line across many 64 KB reads, capped at 1 MB: refused on line 2, lines after unread.
    await Deno.writeTextFile(file, "ok\n" + "x".repeat(3 << 20) + "\nafter\n");
    const seen: number[] = [];
    await assert.rejects(
      async () => {
        for await (const l of readLines(file, { maxLineBytes: 1 << 20 })) seen.push(l.line);
      },
      (e: Error) =>
        e instanceof LineReadError && e.line === 2 && e.reason === "field_too_long" &&
        e.message.includes(file),
    );
    assert.deepEqual(seen, [1]);
    await assert.rejects(
      () => Array.fromAsync(readLines(file, { maxFileBytes: 100 })),
      (e: Error) => e instanceof LineReadError && e.reason === "file_too_large" && e.line === 0,
    );
    await Deno.writeFile(file, new Uint8Array([0x61, 0x0a, 0x62, 0xff, 0x0a]));
    await assert.rejects(
      () => Array.fromAsync(readLines(file)),
      (e: Error) => e instanceof LineReadError && e.reason === "bad_encoding" && e.line === 2,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
