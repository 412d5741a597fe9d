/**
 * `setupWorkspace()`: record (or update) where the creator's material lives.
 *
 * @module
 */
import { resolve } from "node:path";
import {
  DEFAULT_WORKSPACE,
  loadWorkspaceSync,
  resolveWorkspace,
  type Workspace,
  workspaceFile,
  writeWorkspace,
} from "./workspace.ts";

/** Options for {@linkcode setupWorkspace}: every entry to set; omitted ones keep the file's value. */
export interface SetupWorkspaceOptions {
  /** The workspace file; defaults to {@linkcode workspaceFile}(). */
  file?: string;
  /** Entries to set (paths relative to the current directory). */
  set?: Partial<Workspace>;
  /** Start from the defaults instead of the existing file. */
  reset?: boolean;
}

const defaults = { file: "", set: {}, reset: false } satisfies Required<SetupWorkspaceOptions>;

/** One entry of the workspace and what is on disk there. */
export interface WorkspaceCheck {
  key: keyof Workspace;
  path: string;
  /** "folder", "file", "missing" (created on first use) or "unset". */
  state: "folder" | "file" | "missing" | "unset";
}

/** What {@linkcode setupWorkspace} wrote. */
export interface SetupWorkspaceResult {
  file: string;
  workspace: Workspace;
  /** True when the file existed before. */
  updated: boolean;
  checks: WorkspaceCheck[];
}

function stateOf(path: string): WorkspaceCheck["state"] {
  try {
    return Deno.statSync(path).isDirectory ? "folder" : "file";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw error;
  }
}

/**
 * Describe each entry of a workspace and what exists there.
 *
 * @param workspace Resolved entries.
 * @returns One check per entry (each image root separately).
 * @example
 * ```ts
 * import { resolveWorkspace } from "./workspace.ts";
 * checkWorkspace(resolveWorkspace()).filter((c) => c.state === "missing");
 * ```
 */
export function checkWorkspace(workspace: Workspace): WorkspaceCheck[] {
  const out: WorkspaceCheck[] = [];
  for (const key of Object.keys(DEFAULT_WORKSPACE) as (keyof Workspace)[]) {
    const v = workspace[key];
    if (v === null) out.push({ key, path: "", state: "unset" });
    else if (Array.isArray(v)) {
      if (v.length === 0) out.push({ key, path: "", state: "unset" });
      for (const p of v) out.push({ key, path: p, state: stateOf(p) });
    } else out.push({ key, path: v, state: stateOf(v) });
  }
  return out;
}

/**
 * Record where the creator's logs, manifests, image roots, sandbox, feature
 * cache, models and ingested store live. Inputs that must already exist (logs,
 * manifests, project map, image roots) are checked; a missing one is an error
 * naming the entry. Entries not given keep the file's current value.
 *
 * @param options The entries to set and the file.
 * @returns The file written, the full workspace and a check per entry.
 * @example
 * ```ts
 * await setupWorkspace({ set: { logs: "~/keeper/logs", images: ["/Volumes/art/projects"] } });
 * ```
 */
export async function setupWorkspace(
  options: SetupWorkspaceOptions = {},
): Promise<SetupWorkspaceResult> {
  const opts = { ...defaults, ...options };
  const file = opts.file !== "" ? resolve(opts.file) : workspaceFile();
  const existing = opts.reset ? null : loadWorkspaceSync(file);
  const ws: Workspace = existing?.workspace ?? { ...DEFAULT_WORKSPACE, images: [] };
  for (const [k, v] of Object.entries(opts.set) as [keyof Workspace, unknown][]) {
    if (v === undefined) continue;
    if (k === "images") {
      ws.images = (v as string[]).map((p) => resolve(p));
    } else if (v === null) {
      if (k !== "logs" && k !== "manifests" && k !== "project_map") {
        throw new TypeError(`Cannot set up workspace: "${k}" cannot be empty`);
      }
      ws[k] = null;
    } else (ws as unknown as Record<string, string>)[k] = resolve(v as string);
  }
  const checks = checkWorkspace(ws);
  const mustExist: Record<string, "folder" | "file"> = {
    logs: "folder",
    manifests: "folder",
    images: "folder",
    project_map: "file",
  };
  for (const c of checks) {
    const want = mustExist[c.key];
    if (want === undefined || c.state === "unset" || c.state === want) continue;
    throw new RangeError(
      `Cannot set up workspace: ${c.key} "${c.path}" is ${
        c.state === "missing" ? "not there" : `a ${c.state}, not a ${want}`
      }`,
    );
  }
  await writeWorkspace(file, ws);
  return { file, workspace: ws, updated: existing !== null, checks };
}

/** What {@linkcode runSetup} did: nothing (shows the workspace in effect) or a write. */
export type RunSetupResult =
  | { changed: false; file: string; workspace: Workspace; checks: WorkspaceCheck[] }
  | ({ changed: true } & SetupWorkspaceResult);

/**
 * `deno task setup` in one call: with no entry to set and no reset, the workspace in effect
 * (nothing written); otherwise {@linkcode setupWorkspace}.
 *
 * @param options The entries to set, whether to reset, the file.
 * @returns The workspace file, its entries and a check per entry; `changed` says whether it
 * was written.
 * @example
 * ```ts
 * const shown = await runSetup();
 * if (!shown.changed) console.log(shown.file);
 * ```
 */
export async function runSetup(options: SetupWorkspaceOptions = {}): Promise<RunSetupResult> {
  const opts = { ...defaults, ...options };
  if (Object.keys(opts.set).length === 0 && !opts.reset) {
    const file = opts.file !== "" ? resolve(opts.file) : undefined;
    const workspace = resolveWorkspace(file);
    return {
      changed: false,
      file: file ?? workspaceFile(),
      workspace,
      checks: checkWorkspace(workspace),
    };
  }
  return { changed: true, ...await setupWorkspace(options) };
}
