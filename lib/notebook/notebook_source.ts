/**
 * Where a notebook reads what it shows: the creator's own workspace, paths
 * named by environment variables, or (by default) the shipped demo data as
 * `deno task demo` leaves it in `sandbox/demo`.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { loadWorkspaceSync, WORKSPACE_ENV, WORKSPACE_FILE } from "../workspace/mod.ts";

/** What a notebook shows, and where it came from. */
export interface NotebookSource {
  /** "env": `KEEPER_INGESTED`/`KEEPER_MODELS`/`KEEPER_CACHE`; "workspace": keeper.workspace.json; "demo": sandbox/demo. */
  origin: "env" | "workspace" | "demo";
  /** The ingested store (selections, crops, reviews). */
  ingested: string;
  /** The ingested store of the creator's real logs to explore (demo: the shipped data/original). */
  logs: string;
  models: string;
  cache: string;
  /** Image roots (labels are found by project and file name under them). */
  images: string[];
  sandbox: string;
  /** Simulator ground truth (demo only; null for a creator's own data). */
  groundTruth: string | null;
  /** One line for the notebook to print. */
  description: string;
}

/** Set to "demo" to show the demo data whatever workspace exists (the test command does). */
export const NOTEBOOK_SOURCE_ENV = "KEEPER_NOTEBOOKS";

/** Environment variables a notebook honours (each overrides one entry). */
export const NOTEBOOK_ENV = {
  ingested: "KEEPER_INGESTED",
  models: "KEEPER_MODELS",
  cache: "KEEPER_CACHE",
} as const;

/** Options for {@linkcode notebookSource}. */
export interface NotebookSourceOptions {
  /** The repository root (notebooks run in `notebooks/`; defaults to its parent). */
  repoRoot?: string;
  /** Environment lookup. */
  env?: (name: string) => string | undefined;
  /** The demo's sandbox (relative to the repo root). */
  demoSandbox?: string;
}

const defaults = {
  repoRoot: resolve(Deno.cwd(), Deno.cwd().endsWith("/notebooks") ? ".." : "."),
  env: (name: string): string | undefined => Deno.env.get(name),
  demoSandbox: "sandbox/demo",
} satisfies Required<NotebookSourceOptions>;

/**
 * Resolve what a notebook shows: `KEEPER_INGESTED` / `KEEPER_MODELS` /
 * `KEEPER_CACHE` first, then the workspace (`$KEEPER_WORKSPACE` or the repo's
 * `keeper.workspace.json`), else the demo's outputs in `sandbox/demo`;
 * `KEEPER_NOTEBOOKS=demo` forces the demo (the test command runs them so).
 *
 * @param options Repo root, environment and demo folder seams.
 * @returns The paths and a description line.
 * @example
 * ```ts
 * const src = notebookSource();
 * console.log(src.description);
 * ```
 */
export function notebookSource(options: NotebookSourceOptions = {}): NotebookSource {
  const o = { ...defaults, ...options };
  const env = (k: string) => {
    const v = o.env(k);
    return v === undefined || v === "" ? undefined : resolve(o.repoRoot, v);
  };
  const demoOnly = o.env(NOTEBOOK_SOURCE_ENV) === "demo";
  const wsFile = env(WORKSPACE_ENV) ?? join(o.repoRoot, WORKSPACE_FILE);
  const ws = demoOnly ? null : loadWorkspaceSync(wsFile)?.workspace ?? null;
  const demo = resolve(o.repoRoot, o.demoSandbox);
  const base = ws === null
    ? {
      origin: "demo" as const,
      ingested: join(demo, "ingested"),
      logs: join(demo, "real_ingested"),
      models: join(demo, "models"),
      cache: join(demo, "features.sqlite"),
      images: [join(demo, "sim", "images")],
      sandbox: demo,
      groundTruth: join(demo, "sim", "ground_truth.jsonl"),
    }
    : {
      origin: "workspace" as const,
      ingested: resolve(o.repoRoot, ws.ingested),
      logs: resolve(o.repoRoot, ws.ingested),
      models: resolve(o.repoRoot, ws.models),
      cache: resolve(o.repoRoot, ws.cache),
      images: ws.images.map((p) => resolve(o.repoRoot, p)),
      sandbox: resolve(o.repoRoot, ws.sandbox),
      groundTruth: null,
    };
  const fromEnv = demoOnly ? {} as Record<string, undefined> : {
    ingested: env(NOTEBOOK_ENV.ingested),
    models: env(NOTEBOOK_ENV.models),
    cache: env(NOTEBOOK_ENV.cache),
  };
  const anyEnv = Object.values(fromEnv).some((v) => v !== undefined);
  const src = {
    ...base,
    ...(fromEnv.ingested !== undefined
      ? { ingested: fromEnv.ingested, logs: fromEnv.ingested, groundTruth: null }
      : {}),
    ...(fromEnv.models !== undefined ? { models: fromEnv.models } : {}),
    ...(fromEnv.cache !== undefined ? { cache: fromEnv.cache } : {}),
    origin: anyEnv ? "env" as const : base.origin,
  };
  const description = src.origin === "demo"
    ? `the shipped demo data (${o.demoSandbox}, made by deno task demo); set ${WORKSPACE_ENV} ` +
      `or run deno task setup to show your own`
    : src.origin === "workspace"
    ? `your workspace ${wsFile}`
    : `the paths in ${
      Object.entries(NOTEBOOK_ENV).filter(([k]) => fromEnv[k as keyof typeof fromEnv])
        .map(([, v]) => v).join(", ")
    }`;
  return { ...src, description };
}

/**
 * Whether the demo outputs a {@linkcode NotebookSource} names are all there.
 *
 * @param src A source of origin "demo".
 * @returns True when models, cache, stores and ground truth exist.
 * @example
 * ```ts
 * import { runDemo } from "../demo/mod.ts";
 * declare const src: NotebookSource;
 * if (!demoReady(src)) await runDemo();
 * ```
 */
export function demoReady(src: NotebookSource): boolean {
  const need = [src.ingested, src.logs, src.models, src.cache, src.groundTruth];
  return need.every((p) => {
    if (p === null) return true;
    try {
      Deno.statSync(p);
      return true;
    } catch {
      return false;
    }
  });
}
