/**
 * Read a text file line by line without holding it whole (bounded memory).
 *
 * @module
 */

/**
 * The lines of a UTF-8 text file with their 1-based numbers (`\r\n` or `\n`).
 *
 * @param path File.
 * @returns Lines, in order.
 * @example
 * ```ts
 * for await (const { line, text } of readLines("index.jsonl")) console.log(line, text);
 * ```
 */
export async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  using file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder("utf-8");
  const buf = new Uint8Array(1 << 20);
  let rest = "";
  let line = 0;
  while (true) {
    const n = await file.read(buf);
    if (n === null) break;
    rest += decoder.decode(buf.subarray(0, n), { stream: true });
    let start = 0, nl: number;
    while ((nl = rest.indexOf("\n", start)) >= 0) {
      const end = nl > start && rest.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { line: ++line, text: rest.slice(start, end) };
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest !== "") yield { line: ++line, text: rest.endsWith("\r") ? rest.slice(0, -1) : rest };
}
