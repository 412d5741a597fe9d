/**
 * Notebook helpers: the test command's notebook type check, and where a notebook
 * reads what it shows (workspace, environment or the shipped demo data).
 *
 * @module
 */
export { notebookToModule } from "./notebook_to_module.ts";
export type { NotebookJson } from "./notebook_to_module.ts";
export { demoReady, notebookSource } from "./notebook_source.ts";
