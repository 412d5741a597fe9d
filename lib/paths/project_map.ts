/**
 * The project-map file: explicit project rules for logs whose paths carry no
 * project (`{"rules": [...], "aliases": {...}}`; first matching rule wins).
 *
 * @module
 */

/** One rule; every condition given must match. */
export interface ProjectRule {
  project: string;
  /** Glob on the logged path (as written, or after root stripping): `*`, `**`, `?`. */
  path_glob?: string;
  /** Exact session id. */
  session_id?: string;
  /** Inclusive session date range `YYYY-MM-DD` (from the session id). */
  session_from?: string;
  session_to?: string;
}

/** A parsed project map. */
export interface ProjectMap {
  rules: ProjectRule[];
  /** Extra project aliases: name → project id. */
  aliases: Record<string, string>;
}

const RULE_KEYS = ["project", "path_glob", "session_id", "session_from", "session_to"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Validate and read a project-map object.
 *
 * @param json The parsed JSON.
 * @param file Where it came from (for messages).
 * @returns The map.
 * @throws {TypeError} When a rule is malformed (unknown key, no condition, bad date).
 * @example
 * ```ts
 * parseProjectMap({ rules: [{ project: "mojo1", session_from: "2025-10-01", session_to: "2025-10-11" }] });
 * ```
 */
export function parseProjectMap(json: unknown, file = "(inline)"): ProjectMap {
  const fail = (why: string): never => {
    throw new TypeError(`Cannot read project map "${file}": ${why}`);
  };
  if (typeof json !== "object" || json === null) fail("not an object");
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o["rules"])) fail(`"rules" must be an array`);
  const rules: ProjectRule[] = [];
  (o["rules"] as unknown[]).forEach((r, i) => {
    if (typeof r !== "object" || r === null) fail(`rule ${i} is not an object`);
    const rr = r as Record<string, unknown>;
    for (const k of Object.keys(rr)) {
      if (!RULE_KEYS.includes(k)) fail(`rule ${i} has unknown key "${k}" (known: ${RULE_KEYS})`);
    }
    for (const k of Object.keys(rr)) {
      if (typeof rr[k] !== "string" || rr[k] === "") fail(`rule ${i} "${k}" must be a string`);
    }
    if (rr["project"] === undefined) fail(`rule ${i} has no "project"`);
    if (Object.keys(rr).length < 2) fail(`rule ${i} has no condition`);
    for (const k of ["session_from", "session_to"]) {
      if (rr[k] !== undefined && !DATE.test(rr[k] as string)) {
        fail(`rule ${i} "${k}" must be YYYY-MM-DD, got "${rr[k]}"`);
      }
    }
    rules.push(rr as unknown as ProjectRule);
  });
  const aliases: Record<string, string> = {};
  if (o["aliases"] !== undefined) {
    if (typeof o["aliases"] !== "object" || o["aliases"] === null) fail(`"aliases" not an object`);
    for (const [k, v] of Object.entries(o["aliases"] as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`alias "${k}" must map to a string`);
      aliases[k] = v as string;
    }
  }
  return { rules, aliases };
}

/**
 * Load and validate a project-map file.
 *
 * @param file Path of the JSON file.
 * @returns The map.
 * @example
 * ```ts
 * const map = await loadProjectMap("data/original/project_map.json");
 * ```
 */
export async function loadProjectMap(file: string): Promise<ProjectMap> {
  let json: unknown;
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (cause) {
    throw new SyntaxError(`Cannot read project map "${file}": not readable JSON`, { cause });
  }
  return parseProjectMap(json, file);
}

/**
 * The calendar date of a session id (`2025-10-08 14:46:56`, `20251004_213737`,
 * ISO), or null when it carries none (e.g. `mojo1_extraction`).
 *
 * @param sessionId A session id.
 * @returns `YYYY-MM-DD` or null.
 * @example
 * ```ts
 * sessionDate("20251004_213737"); // "2025-10-04"
 * ```
 */
export function sessionDate(sessionId: string): string | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|[ _T])/.exec(sessionId.trim());
  if (!m) return null;
  const [mo, d] = [Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/**
 * A glob as a RegExp: `**` spans folders, `*` and `?` stay inside one.
 *
 * @param glob The pattern.
 * @returns An anchored RegExp.
 * @example
 * ```ts
 * globToRegExp("crop/hannah/**").test("crop/hannah/a/b.png"); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** What a rule is matched against. */
export interface RuleSubject {
  /** Paths to try against `path_glob` (raw and root-stripped). */
  paths: readonly string[];
  sessionId: string;
}

/**
 * The project of the first rule that matches, or null.
 *
 * @param map The project map.
 * @param subject Paths and session id.
 * @returns The project or null.
 * @example
 * ```ts
 * declare const map: Parameters<typeof matchProjectMap>[0];
 * matchProjectMap(map, { paths: ["crop/x.png"], sessionId: "2025-10-08 14:46:56" }); // "mojo1"
 * ```
 */
export function matchProjectMap(map: ProjectMap, subject: RuleSubject): string | null {
  const date = sessionDate(subject.sessionId);
  for (const rule of map.rules) {
    if (rule.session_id !== undefined && rule.session_id !== subject.sessionId) continue;
    if (rule.session_from !== undefined && (date === null || date < rule.session_from)) continue;
    if (rule.session_to !== undefined && (date === null || date > rule.session_to)) continue;
    if (rule.path_glob !== undefined) {
      const re = globToRegExp(rule.path_glob);
      if (!subject.paths.some((p) => re.test(p))) continue;
    }
    return rule.project;
  }
  return null;
}
