/**
 * The workspace: where one creator's material lives (logs, manifests, image
 * roots, sandbox, feature cache, models, ingested store), recorded once in a
 * small git-ignored JSON file (`keeper.workspace.json` in the repo root) so
 * the everyday commands need no paths. Flags still override every entry.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { sweepTempFiles, writeFileAtomic } from "../fs/mod.ts";

/** Where one creator's material lives. Relative paths resolve against the workspace file's folder. */
export interface Workspace {
  /** Folder searched for the creator's log CSVs (`ingest --logs`). */
  logs: string | null;
  /** Folder of `*.project.json` manifests (`ingest --manifests`, `report --manifests`). */
  manifests: string | null;
  /** Optional project map JSON (`ingest --project-map`). */
  project_map: string | null;
  /** One or more roots holding the creator's images (`--images`). */
  images: string[];
  /** The sandbox root: decisions, reviews, plans, journals (`--sandbox`). */
  sandbox: string;
  /** The content-addressed feature cache (`--cache`). */
  cache: string;
  /** The trained model folder (`--models`). */
  models: string;
  /** The ingested store (`--data` / ingest's `--out`). */
  ingested: string;
}

/** The file name of the workspace in the repo root. */
export const WORKSPACE_FILE = "keeper.workspace.json";
/** Environment variable naming another workspace file (tests, notebooks, several creators). */
export const WORKSPACE_ENV = "KEEPER_WORKSPACE";

/** The values used where no workspace file exists (the repo's own layout). */
export const DEFAULT_WORKSPACE: Readonly<Workspace> = Object.freeze({
  logs: null,
  manifests: null,
  project_map: null,
  images: [],
  sandbox: "sandbox",
  cache: "data/cache/features.sqlite",
  models: "data/ai_data/models",
  ingested: "data/ingested",
});

/** A workspace as read from disk: entries resolved to absolute paths, plus where it came from. */
export interface LoadedWorkspace {
  /** Absolute path of the workspace file. */
  file: string;
  /** Entries with every path resolved against the file's folder. */
  workspace: Workspace;
  /** Entries the file sets (the rest are defaults). */
  set: (keyof Workspace)[];
}

/** Options for {@linkcode workspaceFile} and {@linkcode loadWorkspace}. */
export interface WorkspaceFileOptions {
  /** Environment lookup; defaults to `Deno.env.get` (returns undefined without env permission). */
  env?: (name: string) => string | undefined;
  /** Folder holding `keeper.workspace.json`; defaults to the current directory. */
  cwd?: string;
}

const fileDefaults = {
  env: (name: string): string | undefined => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  },
  cwd: ".",
} satisfies Required<WorkspaceFileOptions>;

/**
 * Where the workspace file is: `$KEEPER_WORKSPACE` when set, else `./keeper.workspace.json`.
 *
 * @param options Environment and folder seams.
 * @returns An absolute path (the file may not exist).
 * @example
 * ```ts
 * workspaceFile({ env: () => undefined, cwd: "/repo" }); // "/repo/keeper.workspace.json"
 * ```
 */
export function workspaceFile(options: WorkspaceFileOptions = {}): string {
  const opts = { ...fileDefaults, ...options };
  const fromEnv = opts.env(WORKSPACE_ENV);
  return resolve(opts.cwd, fromEnv !== undefined && fromEnv !== "" ? fromEnv : WORKSPACE_FILE);
}

const KEYS: (keyof Workspace)[] = [
  "logs",
  "manifests",
  "project_map",
  "images",
  "sandbox",
  "cache",
  "models",
  "ingested",
];

/**
 * Check a parsed workspace object; relative paths resolve against `baseDir`.
 *
 * @param raw The parsed JSON.
 * @param file The file it came from (named in errors; its folder anchors relative paths).
 * @returns The loaded workspace.
 * @example
 * ```ts
 * parseWorkspace({ images: ["photos"] }, "/repo/keeper.workspace.json").workspace.images; // ["/repo/photos"]
 * ```
 */
export function parseWorkspace(raw: unknown, file: string): LoadedWorkspace {
  const where = `Cannot read workspace "${file}"`;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new TypeError(`${where}: expected a JSON object`);
  }
  const base = dirname(resolve(file));
  const abs = (p: string) => resolve(base, p);
  const out: Workspace = { ...DEFAULT_WORKSPACE, images: [] };
  const set: (keyof Workspace)[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === "version" || key === "$comment") continue;
    if (!(KEYS as string[]).includes(key)) {
      throw new TypeError(`${where}: unknown field "${key}" (known: ${KEYS.join(", ")})`);
    }
    const k = key as keyof Workspace;
    if (k === "images") {
      const list = typeof value === "string" ? [value] : value;
      if (!Array.isArray(list) || !list.every((v) => typeof v === "string" && v !== "")) {
        throw new TypeError(`${where}: field "images" must be a list of folder paths`);
      }
      out.images = (list as string[]).map(abs);
    } else if (value === null && (k === "logs" || k === "manifests" || k === "project_map")) {
      out[k] = null;
    } else if (typeof value === "string" && value !== "") {
      out[k] = abs(value);
    } else {
      throw new TypeError(
        `${where}: field "${k}" must be a path string, got ${JSON.stringify(value)}`,
      );
    }
    set.push(k);
  }
  return { file: resolve(file), workspace: out, set };
}

/**
 * Read the workspace file, or `null` when there is none.
 *
 * @param file The file; defaults to {@linkcode workspaceFile}().
 * @param options Environment and folder seams (used when `file` is omitted).
 * @returns The loaded workspace or null.
 * @example
 * ```ts
 * const ws = loadWorkspaceSync();
 * console.log(ws?.workspace.models ?? "no workspace");
 * ```
 */
export function loadWorkspaceSync(
  file?: string,
  options: WorkspaceFileOptions = {},
): LoadedWorkspace | null {
  const path = file ?? workspaceFile(options);
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    // Without read permission there is no workspace to honour; the flags' defaults apply.
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return null;
    }
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`Cannot read workspace "${path}": not JSON`, { cause: error });
  }
  return parseWorkspace(raw, path);
}

/**
 * The workspace in effect: the file's entries over {@linkcode DEFAULT_WORKSPACE}.
 *
 * @param file The file; defaults to {@linkcode workspaceFile}().
 * @param options Environment and folder seams.
 * @returns Resolved entries (defaults stay relative to the current directory).
 * @example
 * ```ts
 * const { sandbox } = resolveWorkspace();
 * ```
 */
export function resolveWorkspace(file?: string, options: WorkspaceFileOptions = {}): Workspace {
  return loadWorkspaceSync(file, options)?.workspace ?? { ...DEFAULT_WORKSPACE, images: [] };
}

/**
 * Write a workspace file; paths inside the file's folder are stored relative to it.
 *
 * @param file Where to write.
 * @param workspace The entries (absolute or relative to the current directory).
 * @returns The JSON text written.
 * @example
 * ```ts
 * await writeWorkspace("keeper.workspace.json", { ...DEFAULT_WORKSPACE, images: ["/photos"] });
 * ```
 */
export async function writeWorkspace(file: string, workspace: Workspace): Promise<string> {
  const base = dirname(resolve(file));
  const store = (p: string) => {
    const r = relative(base, resolve(p));
    return r === "" ? "." : r.startsWith("..") || isAbsolute(r) ? resolve(p) : r;
  };
  const body: Record<string, unknown> = { version: 1 };
  for (const k of KEYS) {
    const v = workspace[k];
    body[k] = v === null ? null : Array.isArray(v) ? v.map(store) : store(v);
  }
  const text = JSON.stringify(body, null, 2) + "\n";
  // A kill -9 between the temp file and its rename leaves a temp file: the next write sweeps it.
  await sweepTempFiles(resolve(file));
  await writeFileAtomic(resolve(file), text);
  return text;
}
