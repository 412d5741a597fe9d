/**
 * The workspace: one small git-ignored JSON file (`keeper.workspace.json`)
 * recording where a creator's logs, manifests, image roots, sandbox, feature
 * cache, models and ingested store live, so everyday commands need no paths.
 *
 * @module
 */
export {
  DEFAULT_WORKSPACE,
  loadWorkspaceSync,
  parseWorkspace,
  WORKSPACE_ENV,
  WORKSPACE_FILE,
} from "./workspace.ts";
export type { LoadedWorkspace, Workspace } from "./workspace.ts";
export { runSetup } from "./setup_workspace.ts";
export type { WorkspaceCheck } from "./setup_workspace.ts";
