/**
 * One declarative flag spec for every `tasks/*.ts`: parsing (unknown flags
 * rejected with a suggestion), aliases for old flag names, defaults taken from
 * the workspace, and `--help` (synopsis, every flag with its default, an
 * example) generated from the same spec.
 *
 * @module
 */
import { relative } from "node:path";
import {
  DEFAULT_WORKSPACE,
  type LoadedWorkspace,
  loadWorkspaceSync,
  type Workspace,
} from "../workspace/mod.ts";

/** A default computed from the workspace in effect (the file's entries over the built-in defaults). */
export type FromWorkspace<T> = (workspace: Workspace) => T;

interface FlagBase {
  /** One line for `--help`. */
  description: string;
  /** Old or alternative names that keep working (without the leading `--`). */
  aliases?: readonly string[];
}

/** A flag taking one value (`--name value` or `--name=value`); the last one given wins. */
export interface StringFlag extends FlagBase {
  type: "string";
  multiple?: false;
  /** Placeholder shown in help, e.g. `<dir>`. */
  arg?: string;
  default?: string | FromWorkspace<string>;
  /** How help shows a default the task computes itself (e.g. `<sandbox>/automation_decisions.jsonl`). */
  defaultText?: string;
  /** Help says `[required]` (the task checks and names the flag when it is missing). */
  required?: boolean;
}

/** A flag that may be repeated; values accumulate. */
export interface ListFlag extends FlagBase {
  type: "string";
  multiple: true;
  arg?: string;
  default?: readonly string[] | FromWorkspace<readonly string[]>;
  defaultText?: string;
}

/** An on/off flag (`--name`, or `--name=false`). */
export interface BooleanFlag extends FlagBase {
  type: "boolean";
}

/** Any flag. */
export type Flag = StringFlag | ListFlag | BooleanFlag;
/** A task's flags by canonical name (without `--`). */
export type FlagSpecs = Record<string, Flag>;

/** Everything `--help` says about a task, and its flags. */
export interface TaskSpec<S extends FlagSpecs = FlagSpecs> {
  /** The task name as in `deno task <name>`. */
  task: string;
  /** One line: what the task does. */
  summary: string;
  flags: S;
  /** At least one complete example command line. */
  examples: readonly string[];
  /** When set, positional arguments are allowed and described by this text (e.g. `[name.ipynb…]`). */
  positionals?: string;
}

type ValueOf<F> = F extends { type: "boolean" } ? boolean
  : F extends { multiple: true } ? string[]
  : F extends { default: unknown } ? string
  : string | undefined;

/** Parsed values: one per flag, typed from the spec, plus the shared `verbose` and `help`. */
export type FlagValues<S extends FlagSpecs> = { -readonly [K in keyof S]: ValueOf<S[K]> } & {
  verbose: boolean;
};

/** What {@linkcode parseFlags} returns. */
export interface ParsedFlags<S extends FlagSpecs> {
  values: FlagValues<S>;
  positionals: string[];
  /** Canonical names of the flags given on the command line (not defaulted). */
  given: Set<string>;
  /** The workspace file that supplied defaults, if any. */
  workspace: LoadedWorkspace | null;
}

/** Options for {@linkcode parseFlags}. */
export interface ParseFlagsOptions {
  /** Arguments; defaults to `Deno.args`. */
  args?: readonly string[];
  /** The workspace; defaults to the file `loadWorkspaceSync()` finds (`null` = none). */
  workspace?: LoadedWorkspace | null;
  /** Where help goes; defaults to stdout. */
  write?: (text: string) => void;
}

/** Thrown after `--help` printed the help: {@linkcode runTask} exits 0 quietly. */
export class HelpShown extends Error {
  override name = "HelpShown";
  constructor(task: string) {
    super(`help for ${task} shown`);
  }
}

/** The flags every task has. */
export const COMMON_FLAGS = {
  verbose: { type: "boolean", description: "print the cause chain and stack traces on failure" },
  help: { type: "boolean", description: "show this help and exit", aliases: ["h"] },
} as const satisfies FlagSpecs;

/**
 * Declare a task's spec (identity function that keeps the flag types precise).
 *
 * @param spec The task's name, summary, flags and examples.
 * @returns The same spec.
 * @example
 * ```ts
 * const SPEC = defineTask({
 *   task: "analyze", summary: "Anomaly statistics", examples: ["deno task analyze --json"],
 *   flags: { json: { type: "boolean", description: "print one JSON object" } },
 * });
 * ```
 */
export function defineTask<const S extends FlagSpecs>(spec: TaskSpec<S>): TaskSpec<S> {
  return spec;
}

/**
 * Edit distance between two strings (insert, delete, substitute each cost 1).
 *
 * @param a One string.
 * @param b The other.
 * @returns The Levenshtein distance.
 * @example
 * ```ts
 * editDistance("model", "models"); // 1
 * editDistance("cahce", "cache"); // 1
 * ```
 */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment: a swap of two neighbours ("cahce") counts as one edit.
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    const prev = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      cur[j] = d;
    }
    rows.push(cur);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known flag an unknown one most likely meant, or undefined.
 *
 * @param unknown The name given (without `--`).
 * @param known Candidate names (canonical and aliases) mapped to the canonical name to suggest.
 * @returns The canonical name to suggest.
 * @example
 * ```ts
 * suggestFlag("modle", new Map([["models", "models"]])); // "models"
 * ```
 */
export function suggestFlag(
  unknown: string,
  known: ReadonlyMap<string, string>,
): string | undefined {
  let best: { name: string; score: number } | undefined;
  const u = unknown.toLowerCase();
  for (const [name, canonical] of known) {
    const d = editDistance(u, name);
    const prefix = u.length >= 3 && (name.startsWith(u) || u.startsWith(name));
    const ok = d <= Math.max(1, Math.floor(Math.max(u.length, name.length) / 3)) || prefix;
    const score = prefix ? Math.min(d, 1.5) : d;
    if (ok && (best === undefined || score < best.score)) best = { name: canonical, score };
  }
  return best?.name;
}

/** Flags whose value, when given, stands in for a workspace entry in derived defaults. */
const FLAG_TO_WORKSPACE: Record<string, keyof Workspace> = {
  data: "ingested",
  cache: "cache",
  models: "models",
  images: "images",
  sandbox: "sandbox",
  manifests: "manifests",
};

function allFlags(spec: TaskSpec): FlagSpecs {
  return { ...spec.flags, ...COMMON_FLAGS };
}

function computeDefault(
  flag: Flag,
  ws: Workspace,
): string | readonly string[] | boolean | undefined {
  if (flag.type === "boolean") return false;
  const d = flag.default;
  return typeof d === "function" ? d(ws) : d;
}

function shownPath(value: string): string {
  if (!value.startsWith("/")) return value;
  const r = relative(Deno.cwd(), value);
  return r !== "" && !r.startsWith("..") ? r : value;
}

/**
 * The `--help` text of a task: synopsis, workspace in effect, every flag with
 * its aliases and default, and examples.
 *
 * @param spec The task spec.
 * @param workspace The workspace whose entries are the defaults (`null` = none).
 * @returns The help text.
 * @example
 * ```ts
 * declare const SPEC: Parameters<typeof formatHelp>[0];
 * console.log(formatHelp(SPEC, null));
 * ```
 */
export function formatHelp(spec: TaskSpec, workspace: LoadedWorkspace | null): string {
  const ws = workspace?.workspace ?? { ...DEFAULT_WORKSPACE, images: [] };
  const flags = allFlags(spec);
  const rows = Object.entries(flags).map(([name, f]) => {
    const names = [
      `--${name}`,
      ...(f.aliases ?? []).map((a) => a.length === 1 ? `-${a}` : `--${a}`),
    ];
    const left = names[0]! + (f.type === "string" ? ` ${f.arg ?? "<value>"}` : "") +
      (f.type === "string" && f.multiple ? " …" : "");
    const aliases = names.length > 1 ? ` (also ${names.slice(1).join(", ")})` : "";
    let def: string;
    if (f.type === "boolean") def = name === "help" ? "" : "off";
    else if (!f.multiple && f.required) def = "required";
    else if (f.defaultText !== undefined) def = f.defaultText;
    else {
      const d = computeDefault(f, ws);
      def = d === undefined
        ? "none"
        : Array.isArray(d)
        ? (d.length === 0 ? "none" : d.map((p) => shownPath(p)).join(" "))
        : d === ""
        ? "none"
        : shownPath(String(d));
    }
    const tail = def === "" ? "" : def === "required" ? " [required]" : ` [default: ${def}]`;
    return { left, right: `${f.description}${aliases}${tail}` };
  });
  const width = Math.min(32, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = [
    `deno task ${spec.task}: ${spec.summary}`,
    "",
    `usage: deno task ${spec.task} [flags]${spec.positionals ? ` ${spec.positionals}` : ""}`,
    workspace === null
      ? "workspace: none (defaults below; `deno task setup` records your paths)"
      : `workspace: ${shownPath(workspace.file)} (its entries are the defaults below)`,
    "",
    "flags:",
    ...rows.map((r) =>
      r.left.length + 2 > width
        ? `  ${r.left}\n  ${" ".repeat(width)}${r.right}`
        : `  ${r.left.padEnd(width)}${r.right}`
    ),
    "",
    spec.examples.length > 1 ? "examples:" : "example:",
    ...spec.examples.map((e) => `  ${e}`),
  ];
  return lines.join("\n");
}

/**
 * Parse a task's command line against its spec. `--help` prints the help and
 * throws {@linkcode HelpShown} (runTask exits 0); an unknown flag, a missing
 * value or an unexpected positional throws a `TypeError` naming the task and,
 * for a near miss, the flag it probably meant. Flags not given take their
 * default, computed from the workspace where the spec says so.
 *
 * @param spec The task spec.
 * @param options Arguments, workspace and help sink.
 * @returns Typed values, positionals, which flags were given, and the workspace used.
 * @example
 * ```ts
 * declare const SPEC: Parameters<typeof parseFlags>[0];
 * const { values } = parseFlags(SPEC, { args: ["--models", "m"] });
 * ```
 */
export function parseFlags<const S extends FlagSpecs>(
  spec: TaskSpec<S>,
  options: ParseFlagsOptions = {},
): ParsedFlags<S> {
  const args = options.args ?? Deno.args;
  const flags = allFlags(spec as TaskSpec);
  const byName = new Map<string, string>();
  for (const [name, f] of Object.entries(flags)) {
    byName.set(name, name);
    for (const a of f.aliases ?? []) byName.set(a, name);
  }
  const where = `Cannot run deno task ${spec.task}`;
  const values: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, "");
    const eq = body.indexOf("=");
    const raw = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const name = byName.get(raw);
    if (name === undefined || (raw.length === 1) !== !arg.startsWith("--")) {
      const hint = suggestFlag(raw, byName);
      throw new TypeError(
        `${where}: unknown flag ${arg.startsWith("--") ? "--" : "-"}${raw}` +
          (hint !== undefined ? ` (did you mean --${hint}?)` : "") +
          `; \`deno task ${spec.task} --help\` lists the flags`,
      );
    }
    const flag = flags[name]!;
    given.add(name);
    if (flag.type === "boolean") {
      if (inline === undefined || /^(true|1|yes)$/i.test(inline)) values[name] = true;
      else if (/^(false|0|no)$/i.test(inline)) values[name] = false;
      else throw new TypeError(`${where}: --${raw} takes no value (got "${inline}")`);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || (next.startsWith("--") && next !== "--")) {
        throw new TypeError(`${where}: --${raw} needs a value (${flag.arg ?? "<value>"})`);
      }
      value = next;
      i++;
    }
    if (flag.multiple) ((values[name] ??= []) as string[]).push(value);
    else values[name] = value;
  }
  if (positionals.length > 0 && spec.positionals === undefined) {
    throw new TypeError(
      `${where}: unexpected argument "${positionals[0]}" (flags start with --; ` +
        `\`deno task ${spec.task} --help\` lists them)`,
    );
  }
  const workspace = options.workspace !== undefined ? options.workspace : loadWorkspaceSync();
  if (values["help"] === true) {
    (options.write ?? ((t: string) => console.log(t)))(formatHelp(spec as TaskSpec, workspace));
    throw new HelpShown(spec.task);
  }
  // A shared concept given on the command line (--sandbox, --models…) also feeds the
  // defaults derived from it (report's <sandbox>/approved_decisions.jsonl).
  const ws: Workspace = { ...(workspace?.workspace ?? DEFAULT_WORKSPACE) };
  for (const [flag, key] of Object.entries(FLAG_TO_WORKSPACE)) {
    const v = values[flag];
    if (v === undefined || (spec.flags as FlagSpecs)[flag] === undefined) continue;
    if (key === "images") ws.images = v as string[];
    else (ws as unknown as Record<string, string>)[key] = v as string;
  }
  for (const [name, f] of Object.entries(flags)) {
    if (name in values) continue;
    const d = computeDefault(f, ws);
    values[name] = Array.isArray(d) ? [...d] : f.type === "string" && f.multiple ? [] : d;
  }
  return { values: values as FlagValues<S>, positionals, given, workspace };
}
