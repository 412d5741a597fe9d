/**
 * Notebook helpers: the test command's notebook type check, and where a notebook
 * reads what it shows (workspace, environment or the shipped demo data).
 *
 * @module
 */
export { notebookToModule } from "./notebook_to_module.ts";
export type { NotebookJson } from "./notebook_to_module.ts";
export { demoReady, NOTEBOOK_ENV, NOTEBOOK_SOURCE_ENV, notebookSource } from "./notebook_source.ts";
export type { NotebookSource, NotebookSourceOptions } from "./notebook_source.ts";
