/**
 * Notebook helpers used by the test command.
 *
 * @module
 */
export { notebookToModule } from "./notebook_to_module.ts";
export type { NotebookJson } from "./notebook_to_module.ts";
