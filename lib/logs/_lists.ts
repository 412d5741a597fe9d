/**
 * Lists of paths written inside one CSV field: JSON (`["a","b"]`) or Python
 * repr (`['a', "b's"]`).
 *
 * @module
 */

/**
 * Parse a Python-repr list of strings (single or double quotes, `\` escapes).
 *
 * @param text The field.
 * @returns The strings, or null when the text is not such a list.
 */
export function parsePythonList(text: string): string[] | null {
  const s = text.trim();
  if (!s.startsWith("[") || !s.endsWith("]")) return null;
  const out: string[] = [];
  let i = 1;
  const end = s.length - 1;
  const skipWs = (): void => {
    while (i < end && /\s/.test(s[i] as string)) i++;
  };
  skipWs();
  if (i === end) return out;
  while (i < end) {
    skipWs();
    const q = s[i];
    if (q !== "'" && q !== '"') return null;
    i++;
    let str = "";
    while (i < end && s[i] !== q) {
      if (s[i] === "\\" && i + 1 < end) {
        const n = s[i + 1] as string;
        str += n === "n" ? "\n" : n === "t" ? "\t" : n;
        i += 2;
      } else {
        str += s[i];
        i++;
      }
    }
    if (s[i] !== q) return null;
    i++;
    out.push(str);
    skipWs();
    if (i === end) break;
    if (s[i] !== ",") return null;
    i++;
    skipWs();
    if (i === end) break; // trailing comma
  }
  return out;
}

/**
 * Parse a list of strings written as JSON, falling back to Python repr.
 *
 * @param text The field.
 * @returns The strings, or null when neither form parses.
 */
export function parsePathList(text: string): string[] | null {
  const s = text.trim();
  if (s.startsWith("[")) {
    try {
      const v: unknown = JSON.parse(s);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
    } catch {
      // not JSON: try the Python form below
    }
  }
  return parsePythonList(s);
}
